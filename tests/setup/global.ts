import type { TestProject } from 'vitest/node';
import { dropDatabase, migrateTemplate, serverUrl, templateName } from './server';

declare module 'vitest' {
	export interface ProvidedContext {
		templateDatabase: string;
	}
}

/**
 * With TEST_DATABASE_URL, builds one migrated template database per run; every test file then gets
 * a fast copy of it (tests/setup/database.ts). Without it, test files use in-memory embedded databases.
 */
export async function setup(project: TestProject) {
	const admin = serverUrl();
	if (!admin) return;
	const template = templateName(process.pid);
	await migrateTemplate(admin, template);
	project.provide('templateDatabase', template);
	return () => dropDatabase(admin, template);
}
