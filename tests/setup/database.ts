import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, inject } from 'vitest';
import {
	embeddedOptions,
	inThisThread,
	type EmbeddedDatabase
} from '../../src/lib/server/embedded/in-process';
import { createTestDatabase, serverUrl } from './server';

// Runs before each test file, before it can import src/lib/server/db.ts: points that module at a clean
// database of the file's own, a copy of the run's migrated template (tests/setup/global.ts). Real
// PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite, handed to db.ts under its name.
const admin = serverUrl();
const database = admin ? await createTestDatabase(admin, inject('templateDatabase')) : undefined;
if (database) {
	process.env.DATABASE_URL = database.url;
	afterAll(database.drop);
} else {
	delete process.env.DATABASE_URL;
	const name = `memory://test-${randomUUID()}`;
	const pglite = new PGlite({
		...embeddedOptions,
		loadDataDir: new Blob([readFileSync(inject('embeddedTemplate'))])
	});
	const open = ((
		globalThis as { podiumEmbeddedDatabases?: Map<string, EmbeddedDatabase> }
	).podiumEmbeddedDatabases ??= new Map());
	open.set(name, inThisThread(pglite));
	process.env.EMBEDDED_DATABASE_DIR = name;
}
