import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/lib/server/backfill/cli';
import {
	fetchFromAirtable,
	readSnapshot,
	SourceError,
	writeSnapshot
} from '../../src/lib/server/backfill/source';
import { DEFAULT_TABLE_NAMES, TARGET_TABLES, type SourceData } from '../../src/lib/server/backfill/tables';
import { startFakeAirtable, type FakeAirtable } from '../fakes/airtable';
import { generateBase } from '../fakes/airtable-base';
import { db } from '../helpers/db';

// The backfill reading Airtable's API through the official `airtable` client, against a local fake
// of the API (tests/fakes/airtable.ts) that paginates, refuses wrong tokens and answers 429 beyond
// 5 requests per second, as the real one does.

const BASE_ID = 'appTESTBASE000001';
const TOKEN = 'patTEST.secret';
const settings = (fake: FakeAirtable, overrides: Partial<typeof DEFAULT_TABLE_NAMES> = {}) => ({
	apiKey: TOKEN,
	baseId: BASE_ID,
	endpointUrl: fake.url,
	tables: { ...DEFAULT_TABLE_NAMES, ...overrides }
});
// About a tenth of the real base: 4 pages of users, 3 of votes, 11 requests in all.
const small = generateBase(0.1) as SourceData;
const tablesOf = (data: SourceData) => ({
	Users: data.users,
	Events: data.events,
	Projects: data.projects,
	Referrals: data.referrals,
	Votes: data.votes
});

const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'podium-backfill-'));
	dirs.push(dir);
	return dir;
};
let fake: FakeAirtable;
beforeEach(async () => {
	fake = await startFakeAirtable({ baseId: BASE_ID, token: TOKEN, tables: tablesOf(small) });
	await db.$executeRawUnsafe(`TRUNCATE ${[...TARGET_TABLES, 'airtable_imports'].join(', ')} CASCADE`);
});
afterEach(() => fake.close());
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The most requests the fake accepted within any one second. */
function busiestSecond(requests: FakeAirtable['requests']): number {
	const accepted = requests.filter((r) => r.status === 200).map((r) => r.at);
	return Math.max(...accepted.map((at) => accepted.filter((t) => t >= at && t < at + 1000).length));
}

describe('reading the Airtable API', () => {
	it('reads every page of every table, never faster than 5 requests per second', async () => {
		const { data, requests } = await fetchFromAirtable(settings(fake));
		expect(data).toEqual(small);
		expect(requests).toBe(11);
		expect(fake.requests.every((r) => r.status === 200)).toBe(true);
		expect(fake.requests.some((r) => r.path.includes('offset='))).toBe(true);
		expect(busiestSecond(fake.requests)).toBeLessThanOrEqual(5);
	});

	it('waits out 429s', async () => {
		// A stricter server than ours (2 per second), so that the client's pace earns 429s.
		fake.options.requestsPerSecond = 2;
		const { data } = await fetchFromAirtable(settings(fake), { rateLimitDelayMs: 100 });
		expect(data).toEqual(small);
		expect(fake.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
	});

	it('retries network errors', async () => {
		fake.options.failNext = 3;
		const { data } = await fetchFromAirtable(settings(fake), { retryDelayMs: 10 });
		expect(data).toEqual(small);
		expect(fake.requests.filter((r) => r.status === 0)).toHaveLength(3);
	});

	it('says clearly when the token is wrong or a table does not exist', async () => {
		await expect(fetchFromAirtable({ ...settings(fake), apiKey: 'patWRONG' })).rejects.toThrow(
			/refused the token in AIRTABLE_API_KEY \(401\)/
		);
		const wrongTable = fetchFromAirtable(settings(fake, { votes: 'Ballots' }));
		await expect(wrongTable).rejects.toBeInstanceOf(SourceError);
		await expect(wrongTable).rejects.toThrow(/no table "Ballots".*AIRTABLE_VOTES_TABLE/);
	});
});

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return {
		io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), stderr: process.stderr },
		out,
		err
	};
}

const env = (overrides: Record<string, string | undefined> = {}) => ({
	...process.env,
	AIRTABLE_API_KEY: TOKEN,
	AIRTABLE_BASE_ID: BASE_ID,
	AIRTABLE_ENDPOINT_URL: fake.url,
	...overrides
});

describe('the backfill command', () => {
	it('imports from the API, saves the snapshot and the report, and verifies', async () => {
		const snapshot = tempDir();
		const reportFile = path.join(tempDir(), 'report.json');
		const run = capture();
		const status = await main(
			['--snapshot-out', snapshot, '--report', reportFile, '--progress', 'none'],
			env(),
			run.io,
			{
				keepDatabaseOpen: true
			}
		);
		expect(run.err).toEqual([]);
		expect(status).toBe(0);
		expect(readSnapshot(snapshot)).toEqual(small);
		const report = JSON.parse(readFileSync(reportFile, 'utf8'));
		expect(report.tables.users.created).toBe(await db.user.count());
		expect(report.rowCounts.votes).toBe(await db.vote.count());
		expect(run.out.join('\n')).toMatch(/users\s+337\s+\d+/);

		// Offline, from the snapshot just saved.
		const verify = capture();
		expect(
			await main(['--verify', '--from-snapshot', snapshot, '--progress', 'none'], env(), verify.io, {
				keepDatabaseOpen: true
			})
		).toBe(0);
		expect(verify.out.join('\n')).toContain('Verified');
	});

	it('refuses missing or wrong configuration before reading or writing anything', async () => {
		const missing = capture();
		const status = await main(
			['--progress', 'none'],
			env({ AIRTABLE_API_KEY: '', AIRTABLE_BASE_ID: 'base1' }),
			missing.io,
			{
				keepDatabaseOpen: true
			}
		);
		expect(status).toBe(2);
		expect(missing.err.join('\n')).toMatch(/AIRTABLE_API_KEY is not set/);
		expect(missing.err.join('\n')).toMatch(/AIRTABLE_BASE_ID "base1" is not a base id/);

		const unknown = capture();
		expect(await main(['--frm-snapshot', 'x'], env(), unknown.io, { keepDatabaseOpen: true })).toBe(2);
		expect(unknown.err.join('\n')).toMatch(/Unknown option '--frm-snapshot'/);

		const wrongToken = capture();
		expect(
			await main(['--progress', 'none'], env({ AIRTABLE_API_KEY: 'patWRONG' }), wrongToken.io, {
				keepDatabaseOpen: true
			})
		).toBe(1);
		expect(wrongToken.err.join('\n')).toMatch(/refused the token/);
		expect(fake.requests).toHaveLength(1);
		expect(await db.user.count()).toBe(0);
	});

	it('documents every option in --help', async () => {
		const help = capture();
		expect(await main(['--help'], env(), help.io)).toBe(0);
		for (const option of [
			'--from-snapshot',
			'--snapshot-out',
			'--snapshot-only',
			'--dry-run',
			'--report',
			'--verify',
			'--progress'
		]) {
			expect(help.out.join('\n')).toContain(option);
		}
	});

	it('exits non-zero when verification finds differences', async () => {
		const snapshot = tempDir();
		writeSnapshot(snapshot, small, {});
		const run = capture();
		expect(
			await main(['--verify', '--from-snapshot', snapshot, '--progress', 'none'], env(), run.io, {
				keepDatabaseOpen: true
			})
		).toBe(1);
		expect(run.out.join('\n')).toMatch(/NOT VERIFIED/);
	});

	// A killed process needs a database that outlives it: only on a PostgreSQL server.
	it.skipIf(!process.env.DATABASE_URL)(
		'ends with exactly the right data when a killed run is started again',
		async () => {
			const snapshot = tempDir();
			writeSnapshot(snapshot, generateBase(1) as SourceData, {});
			const start = (onLine?: (line: string, kill: () => void) => void) =>
				new Promise<number | null>((resolve) => {
					const child = spawn(
						process.execPath,
						['prisma/seed.ts', '--from-snapshot', snapshot, '--progress', 'lines'],
						{
							env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL }
						}
					);
					child.stderr.on('data', (chunk: Buffer) => {
						for (const line of chunk.toString().split('\n')) onLine?.(line, () => child.kill('SIGKILL'));
					});
					child.on('exit', (code) => resolve(code));
				});
			const killed = await start((line, kill) => {
				if (line.startsWith('import: 3/7')) kill();
			});
			expect(killed).toBeNull(); // it died of the signal
			expect(await db.user.count()).toBe(0);
			expect(
				await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM airtable_imports`)
			).toEqual([{ n: 0 }]);

			expect(await start()).toBe(0);
			const afterRestart = {
				users: await db.user.count(),
				events: await db.event.count(),
				votes: await db.vote.count()
			};
			const verify = capture();
			expect(
				await main(['--verify', '--from-snapshot', snapshot, '--progress', 'none'], env(), verify.io, {
					keepDatabaseOpen: true
				})
			).toBe(0);
			// A clean run on an empty database gives the same numbers.
			await db.$executeRawUnsafe(`TRUNCATE ${[...TARGET_TABLES, 'airtable_imports'].join(', ')} CASCADE`);
			expect(await start()).toBe(0);
			expect({
				users: await db.user.count(),
				events: await db.event.count(),
				votes: await db.vote.count()
			}).toEqual(afterRestart);
		}
	);
});
