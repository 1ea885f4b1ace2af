import { afterAll } from 'vitest';
import { closeDatabase, db, prepareDatabase } from '../../src/lib/server/db';

// Importing this module gives a test file the app's own Prisma client on the file's clean database.
await prepareDatabase();
afterAll(closeDatabase);

export { db };
