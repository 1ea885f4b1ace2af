import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../src/lib/server/migrations';

/** TEST_DATABASE_URL: a PostgreSQL server URL whose user may create databases. */
export function serverUrl(): string | undefined {
	return process.env.TEST_DATABASE_URL?.trim() || undefined;
}

/** One template per run, named by the run's main process so that parallel runs do not collide. */
export const templateName = (pid: number) => `podium_test_template_${pid}`;

/** The same server URL pointing at another database. */
export function urlFor(admin: string, database: string): string {
	const url = new URL(admin);
	url.pathname = `/${database}`;
	return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** Creates the template database and applies every migration to it. */
export async function migrateTemplate(admin: string, template: string) {
	await withClient(admin, async (client) => {
		await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
		await client.query(`CREATE DATABASE "${template}"`);
	});
	await withClient(urlFor(admin, template), (client) =>
		applyMigrations({ query: (sql, params) => client.query(sql, params), exec: (sql) => client.query(sql) })
	);
}

/** A fresh, migrated database for one test file; returns its URL and a function that drops it. */
export async function createTestDatabase(admin: string, template: string) {
	const name = `podium_test_${randomBytes(6).toString('hex')}`;
	await withClient(admin, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
	return {
		url: urlFor(admin, name),
		drop: () => withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
	};
}

/** Drops a database, ending any connection still open to it. */
export function dropDatabase(admin: string, name: string) {
	return withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
