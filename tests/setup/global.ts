import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { TestProject } from 'vitest/node';
import { applyMigrations, type SqlConnection } from '../../src/lib/server/migrations';
import { dropDatabase, migrateTemplate, serverUrl, templateName } from './server';

declare module 'vitest' {
	export interface ProvidedContext {
		templateDatabase: string;
		embeddedTemplate: string;
	}
}

/**
 * Builds one migrated template database per run, and every test file then gets a fast copy of it
 * (tests/setup/database.ts). With TEST_DATABASE_URL, a database on that server; without it, the files of
 * an in-memory embedded database, which each file loads into its own (a third of the time of a new one).
 */
export async function setup(project: TestProject) {
	const admin = serverUrl();
	if (!admin) {
		const dir = mkdtempSync(path.join(tmpdir(), 'podium-test-template-'));
		const file = path.join(dir, 'template.tar');
		const pglite = new PGlite('memory://', { extensions: { pg_trgm } });
		await applyMigrations(pglite as SqlConnection);
		writeFileSync(file, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
		await pglite.close();
		project.provide('embeddedTemplate', file);
		return () => rmSync(dir, { recursive: true, force: true });
	}
	const template = templateName(process.pid);
	await migrateTemplate(admin, template);
	project.provide('templateDatabase', template);
	return () => dropDatabase(admin, template);
}
