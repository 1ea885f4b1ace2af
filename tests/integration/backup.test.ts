import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, restoreDatabase } from '../../src/lib/server/backup';
import { lockEmbeddedDirectory } from '../../src/lib/server/embedded/lock';
import { PrismaClient } from '../../src/lib/server/generated/prisma/client';
import { applyMigrations, readMigrationState, type SqlConnection } from '../../src/lib/server/migrations';
import { addAttendee, createEvent, createProject, createUser, createVote } from '../helpers/factories';
import { serverUrl, urlFor } from '../setup/server';

// A backup is only as good as its restore: each test backs up a database with data in every kind of
// table, restores it into a fresh one, and compares every table row by row.

const scratch = mkdtempSync(path.join(tmpdir(), 'podium-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

/** Every table of the public schema with its rows, each row as JSON text, in a stable order. */
async function snapshot(query: Query): Promise<Record<string, string[]>> {
	const { rows: tables } = await query(
		"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
	);
	const result: Record<string, string[]> = {};
	for (const { table_name: name } of tables) {
		const { rows } = await query(`SELECT to_jsonb(t)::text AS row FROM "${String(name)}" t ORDER BY 1`);
		result[String(name)] = rows.map((row) => String(row.row));
	}
	return result;
}

async function withServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

const admin = serverUrl();

describe.skipIf(!admin)('backups of a PostgreSQL server', () => {
	it('restores into a fresh database with every table row for row, and the app can use it', async () => {
		const owner = await createUser({ firstName: 'Olivia' });
		const event = await createEvent({ ownerId: owner.id, phase: 'voting' });
		const [ada, bob] = [await createUser({ firstName: 'Ada' }), await createUser({ firstName: 'Bob' })];
		await addAttendee(event.id, ada.id);
		const project = await createProject(event.id, { ownerId: bob.id, name: 'Scrap Synth' });
		await createVote(ada.id, project.id);

		const source = process.env.DATABASE_URL!;
		const file = path.join(scratch, 'server.dump');
		const result = await backupDatabase({ kind: 'server', url: source }, file);
		expect(result.tool).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
		expect(result.bytes).toBeGreaterThan(1000);

		const name = `podium_restore_${process.pid}_${Date.now()}`;
		await withServer(admin!, (client) => client.query(`CREATE DATABASE "${name}"`));
		const restored = urlFor(admin!, name);
		try {
			await restoreDatabase({ kind: 'server', url: restored }, file);
			const before = await withServer(source, (client) => snapshot((sql) => client.query(sql)));
			const after = await withServer(restored, (client) => snapshot((sql) => client.query(sql)));
			expect(Object.keys(after)).toEqual(Object.keys(before));
			expect(before.votes).toHaveLength(1);
			expect(before._prisma_migrations.length).toBeGreaterThan(0);
			expect(after).toEqual(before);
			// The functions and triggers came along: the restored database is fully migrated and usable.
			const state = await withServer(restored, (client) =>
				readMigrationState({
					query: (sql, params) => client.query(sql, params),
					exec: (sql) => client.query(sql)
				})
			);
			expect(state).toEqual({ pending: [], failed: [] });

			// A second restore into the same, now filled, database is refused and changes nothing.
			await expect(restoreDatabase({ kind: 'server', url: restored }, file)).rejects.toThrow(
				'The database in DATABASE_URL is not empty'
			);
			expect(await withServer(restored, (client) => snapshot((sql) => client.query(sql)))).toEqual(before);
		} finally {
			await withServer(admin!, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
		}
	});

	it('refuses a backup of the embedded database for a server, and a file that is no backup', async () => {
		const url = process.env.DATABASE_URL!;
		const gzip = path.join(scratch, 'embedded.tar.gz');
		writeFileSync(gzip, Buffer.from([0x1f, 0x8b, 8, 0, 0]));
		await expect(restoreDatabase({ kind: 'server', url }, gzip)).rejects.toThrow(
			'is a backup of the embedded database'
		);
		const text = path.join(scratch, 'notes.txt');
		writeFileSync(text, 'hello');
		await expect(restoreDatabase({ kind: 'server', url }, text)).rejects.toThrow('is not a Podium backup');
	});
});

// Creating, migrating and dumping PGlite directories takes a while on a busy machine.
describe('backups of the embedded database', { timeout: 180_000 }, () => {
	/** An embedded database directory with migrations applied and a little of everything in it. */
	async function seedEmbedded(dir: string) {
		const pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
		await applyMigrations(pglite as unknown as SqlConnection);
		const client = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
		const user = (firstName: string) =>
			client.user.create({ data: { email: `${firstName.toLowerCase()}@example.test`, firstName } });
		const [olivia, ada, bob] = [await user('Olivia'), await user('Ada'), await user('Bob')];
		const event = await client.event.create({
			data: { name: 'Scrapyard', slug: 'scrapyard', joinCode: 'ABCD23', ownerId: olivia.id, phase: 'voting' }
		});
		await client.eventAttendee.createMany({
			data: [ada, bob].map((u) => ({ eventId: event.id, userId: u.id }))
		});
		const project = await client.project.create({
			data: { name: 'Scrap Synth', joinCode: 'EFGH45', ownerId: bob.id, eventId: event.id, hoursSpent: 3 }
		});
		await client.vote.create({ data: { voterId: ada.id, projectId: project.id, eventId: event.id } });
		await client.$disconnect();
		const rows = await snapshot((sql) => pglite.query(sql));
		await pglite.close();
		return rows;
	}

	async function read(dir: string) {
		const pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
		try {
			return await snapshot((sql) => pglite.query(sql));
		} finally {
			await pglite.close();
		}
	}

	it('restores into a fresh directory with every table row for row', async () => {
		const dir = path.join(scratch, 'embedded');
		const before = await seedEmbedded(dir);
		expect(before.votes).toHaveLength(1);

		const file = path.join(scratch, 'embedded.tar.gz');
		const result = await backupDatabase({ kind: 'embedded', dir }, file);
		expect(result.tool).toBe('PGlite');

		const restored = path.join(scratch, 'embedded-restored');
		await restoreDatabase({ kind: 'embedded', dir: restored }, file);
		expect(await read(restored)).toEqual(before);
		// The source is untouched, and a restore over a database is refused.
		expect(await read(dir)).toEqual(before);
		await expect(restoreDatabase({ kind: 'embedded', dir }, file)).rejects.toThrow(`${dir} is not empty`);
	});

	it('says what to do while the app has the database open', async () => {
		const dir = path.join(scratch, 'in-use');
		await (await PGlite.create(dir)).close(); // an empty database is enough here
		const unlock = lockEmbeddedDirectory(dir); // as the running app does
		try {
			const attempt = backupDatabase({ kind: 'embedded', dir }, path.join(scratch, 'in-use.tar.gz'));
			await expect(attempt).rejects.toThrow(BackupError);
			await expect(attempt).rejects.toThrow(
				`Cannot back up the embedded database while another process has it open. The embedded database at ${dir} is already in use by process ${process.pid}`
			);
			await expect(attempt).rejects.toThrow('stop the app, run this again');
		} finally {
			unlock();
		}
	});

	it('refuses a server backup for the embedded database, and a directory without a database', async () => {
		const dump = path.join(scratch, 'server-like.dump');
		writeFileSync(dump, 'PGDMP and more');
		await expect(restoreDatabase({ kind: 'embedded', dir: path.join(scratch, 'x') }, dump)).rejects.toThrow(
			'is a backup of a PostgreSQL server (pg_dump)'
		);
		await expect(
			backupDatabase({ kind: 'embedded', dir: path.join(scratch, 'nothing') }, dump)
		).rejects.toThrow('There is no embedded database at');
	});
});
