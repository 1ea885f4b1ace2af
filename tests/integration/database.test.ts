import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PrismaClient } from '../../src/lib/server/generated/prisma/client';
import { readMigrations } from '../../src/lib/server/migrations';

// How the app opens its database, as a fresh process would: each test loads src/lib/server/db.ts anew
// with its own environment.

const saved = { ...process.env };
const dirs: string[] = [];

function tempDir() {
	const dir = mkdtempSync(path.join(tmpdir(), 'podium-db-test-'));
	dirs.push(dir);
	return dir;
}

async function loadDatabaseModule(env: Record<string, string | undefined>) {
	vi.resetModules();
	process.env = { ...saved, ...env };
	return import('../../src/lib/server/db');
}

beforeEach(() => vi.spyOn(console, 'log').mockImplementation(() => {}));
afterEach(() => {
	process.env = { ...saved };
	vi.restoreAllMocks();
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the embedded database', () => {
	it('is created, migrated and kept on disk across restarts when no DATABASE_URL is set', async () => {
		const dir = path.join(tempDir(), 'pglite');
		const first = await loadDatabaseModule({ DATABASE_URL: undefined, EMBEDDED_DATABASE_DIR: dir });
		await first.prepareDatabase();
		expect(first.describeDatabase()).toContain(dir);
		await first.db.user.create({ data: { email: 'kept@example.test', firstName: 'Kept' } });
		await first.closeDatabase();

		const second = await loadDatabaseModule({ DATABASE_URL: undefined, EMBEDDED_DATABASE_DIR: dir });
		await second.prepareDatabase();
		const user = await second.db.user.findUnique({ where: { email: 'kept@example.test' } });
		expect(user?.firstName).toBe('Kept');
		const history = await second.db.$queryRaw<{ migration_name: string }[]>`
			SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`;
		// Migrations ran once, on the first start only.
		expect(history.map((row) => row.migration_name)).toEqual(readMigrations().map((m) => m.name));
		await second.closeDatabase();
	});
	it.each([
		["in memory, in the app's thread", () => `memory://values-${Date.now()}`],
		['in a directory, in a thread of its own', () => path.join(tempDir(), 'pglite')]
	])(
		'gives the app the same values as the Prisma adapter on a database of its own (%s)',
		async (_, where) => {
			// The adapter gets a database that takes each query's parsers once (in-process.ts, withParsersOnce):
			// every type whose parsing the adapter changes, in plain queries and in a transaction.
			const values = (client: { $queryRaw: PrismaClient['$queryRaw'] }) => client.$queryRaw`
			SELECT '2025-03-01 14:05:09.123+00'::timestamptz AS at, '2025-03-01 14:05:09'::timestamp AS local,
				'2025-03-01'::date AS day, '14:05:09'::time AS clock, 12345678901234::int8 AS big,
				1.50::numeric AS price, '{"a":[1,2]}'::jsonb AS doc, '{"b":true}'::json AS plain,
				'\\x0102'::bytea AS bytes, ARRAY['2025-03-01 14:05:09+00'::timestamptz] AS times,
				ARRAY[1::int8, 2::int8] AS bigs, ARRAY['00000000-0000-7000-8000-000000000001'::uuid] AS ids,
				ARRAY[1.5::numeric] AS prices, ARRAY['{"c":1}'::jsonb] AS docs, 42 AS n, 'text' AS s`;
			const app = await loadDatabaseModule({
				DATABASE_URL: undefined,
				EMBEDDED_DATABASE_DIR: where()
			});
			await app.prepareDatabase();
			const own = await PGlite.create();
			const alone = new PrismaClient({ adapter: new PrismaPGlite(own) });
			try {
				const expected = await values(alone);
				expect(await values(app.db)).toEqual(expected);
				expect(await app.db.$transaction((tx) => values(tx))).toEqual(expected);
				expect(await values(app.db)).toEqual(expected);
				// And a model query: its dates come back as dates.
				const user = await app.db.user.create({ data: { email: 'values@example.test', firstName: 'V' } });
				expect(user.createdAt).toBeInstanceOf(Date);
			} finally {
				await alone.$disconnect();
				await own.close();
				await app.closeDatabase();
			}
		}
	);
});

describe('a PostgreSQL server in DATABASE_URL', () => {
	// An empty database served over the wire: stands for a server nobody has migrated yet.
	let server: PGLiteSocketServer | undefined;
	let url = '';

	beforeEach(async () => {
		// With the extensions the migrations create, as a PostgreSQL server ships them.
		const pglite = await PGlite.create({ extensions: { pg_trgm } });
		server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 4 });
		await server.start();
		url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
	});
	afterEach(async () => {
		await server?.stop();
		await server?.db.close();
	});

	it('is not migrated by the app, which refuses to start and names the command to run', async () => {
		const module = await loadDatabaseModule({ DATABASE_URL: url });
		const error = await module.prepareDatabase().catch((e: Error) => e);
		expect(error).toBeInstanceOf(module.DatabaseNotReadyError);
		expect((error as Error).message).toMatch(/pending migration.*npx prisma migrate deploy/s);
		expect(module.describeDatabase()).toMatch(/^PostgreSQL at 127\.0\.0\.1:\d+\/postgres$/);
		const tables = await server!.db.query(`SELECT to_regclass('users') AS users`);
		expect(tables.rows).toEqual([{ users: null }]);
		await module.closeDatabase();
	});

	it('that cannot be reached is reported clearly, and the health check says so', async () => {
		const module = await loadDatabaseModule({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' });
		await expect(module.prepareDatabase()).rejects.toThrow(/Cannot connect to the PostgreSQL server/);
		const { checkDatabaseHealth } = await import('../../src/lib/server/health');
		expect(await checkDatabaseHealth()).toBe('unreachable');
		await module.closeDatabase();
	});

	it('once migrated, is accepted and reported healthy', async () => {
		const { applyMigrations } = await import('../../src/lib/server/migrations');
		await applyMigrations(server!.db as never);
		const module = await loadDatabaseModule({ DATABASE_URL: url });
		await module.prepareDatabase();
		const { checkDatabaseHealth } = await import('../../src/lib/server/health');
		expect(await checkDatabaseHealth()).toBe('reachable');
		await module.closeDatabase();
	});
});
