import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { afterAll, inject } from 'vitest';
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
		loadDataDir: new Blob([readFileSync(inject('embeddedTemplate'))]),
		extensions: { pg_trgm }
	});
	const open = ((
		globalThis as { podiumEmbeddedDatabases?: Map<string, { pglite: PGlite; close: () => Promise<void> }> }
	).podiumEmbeddedDatabases ??= new Map());
	open.set(name, { pglite, close: () => pglite.close() });
	process.env.EMBEDDED_DATABASE_DIR = name;
}
