import { test } from '@playwright/test';
import pg from 'pg';

/** The browser tests' server database, when they run on PostgreSQL (not on the embedded database). */
export const serverDatabaseUrl = process.env.DATABASE_URL?.trim();

/** Skips the file's tests on the embedded database, which the running app holds for itself. */
export function needServerDatabase(): void {
	test.skip(
		!serverDatabaseUrl,
		'needs the server database in DATABASE_URL: the embedded one is held by the server'
	);
}

/** Runs `work` on a connection of its own to the server database, closed afterwards. */
export async function onServerDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: serverDatabaseUrl });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}
