import { afterAll, inject } from 'vitest';
import { createTestDatabase, serverUrl } from './server';

// Runs before each test file, before it can import src/lib/server/db.ts: points that module at a clean
// database of the file's own. Real PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite.
const admin = serverUrl();
const database = admin ? await createTestDatabase(admin, inject('templateDatabase')) : undefined;
if (database) {
	process.env.DATABASE_URL = database.url;
	afterAll(database.drop);
} else {
	delete process.env.DATABASE_URL;
	process.env.EMBEDDED_DATABASE_DIR = 'memory://';
}
