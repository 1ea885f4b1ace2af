import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCK_FILE } from '../../src/lib/server/embedded/lock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JsonLineProcess, lockProcess, openDatabaseProcess } from '../helpers/processes';

// One process per embedded database directory: a second one on the same files would serve writes that
// are lost on restart, and can leave the directory unable to open at all. Every test runs real `node`
// processes on a directory of its own, as an operator starting the app twice would.

const scratch = mkdtempSync(path.join(tmpdir(), 'podium-lock-test-'));
const template = path.join(scratch, 'template');
let count = 0;
const running: JsonLineProcess[] = [];

/** A copy of a migrated database (migrating a new one takes seconds). */
function migratedDirectory(): string {
	const dir = path.join(scratch, `pglite-${++count}`);
	cpSync(template, dir, { recursive: true });
	return dir;
}

function track(process: JsonLineProcess): JsonLineProcess {
	running.push(process);
	return process;
}
const open = (dir: string) => track(openDatabaseProcess(dir));

async function add(process: JsonLineProcess, emails: string[]) {
	for (const email of emails) expect(await process.ask(`add ${email}`)).toEqual({ added: email });
}

const emails = (n: number, prefix: string) =>
	Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}@example.test`);

/** The sentence the refused process prints, naming the process that has the directory open. */
function refusal(dir: string, holder: number) {
	const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(
		`^The embedded database at ${escaped} is already in use by process ${holder} ` +
			String.raw`\(node [^)]+\) since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: ` +
			String.raw`stop that process first, or set DATABASE_URL to use a PostgreSQL server instead\.$`
	);
}

beforeAll(async () => {
	const first = open(template);
	expect(await first.started).toEqual({ ready: first.pid });
	expect(await first.ask('close')).toEqual({ closed: true });
}, 120_000);
afterEach(async () => {
	await Promise.all(running.splice(0).map((process) => process.crash()));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the embedded database directory', () => {
	it('refuses a second process, which names the first and exits 1; the first keeps working', async () => {
		const dir = migratedDirectory();
		const first = open(dir);
		expect(await first.started).toEqual({ ready: first.pid });

		const second = open(dir);
		expect(await second.started).toBeUndefined();
		expect(await second.exited).toBe(1);
		expect(second.stderr.trim()).toMatch(refusal(dir, first.pid));

		await add(first, emails(40, 'first'));
		expect(await first.ask('close')).toEqual({ closed: true });
		const restarted = open(dir);
		expect(await restarted.started).toEqual({ ready: restarted.pid });
		expect(await restarted.ask('emails')).toEqual({ emails: emails(40, 'first') });
	}, 120_000);

	it('is taken over after its holder was killed, by exactly one of two new processes', async () => {
		// The audit's sequence: a second process tries and dies, the first acknowledges 40 writes, then
		// is killed. Before the lock, the directory then no longer opened at all.
		const dir = migratedDirectory();
		const first = open(dir);
		expect(await first.started).toEqual({ ready: first.pid });
		const second = open(dir);
		expect(await second.started).toBeUndefined();
		expect(await second.exited).toBe(1);
		await add(first, emails(40, 'acknowledged'));
		await first.crash();

		const contenders = [open(dir), open(dir)];
		const started = await Promise.all(contenders.map((process) => process.started));
		const winner = contenders[started.findIndex((message) => message?.ready)];
		const loser = contenders.find((process) => process !== winner)!;
		expect(started.filter((message) => message?.ready)).toHaveLength(1);
		expect(await loser.exited).toBe(1);
		expect(loser.stderr.trim()).toMatch(refusal(dir, winner.pid));
		expect(await winner.ask('emails')).toEqual({ emails: emails(40, 'acknowledged') });
	}, 120_000);

	it('opens again at once after a clean close, and after an exit without one', async () => {
		const dir = migratedDirectory();
		const first = open(dir);
		expect(await first.started).toEqual({ ready: first.pid });
		expect(await first.ask('close')).toEqual({ closed: true });
		expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);

		const second = open(dir);
		expect(await second.started).toEqual({ ready: second.pid });
		second.child.stdin!.end(); // its command loop ends and the process exits, database still open
		expect(await second.exited).toBe(0);
		expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);

		const third = open(dir);
		expect(await third.started).toEqual({ ready: third.pid });
	}, 120_000);

	it('is shared with a copy of the db module loaded again in the same process, as by the dev server', async () => {
		// Vite's dev server runs db.ts again when the Prisma client is regenerated: the new copy must
		// use the database already open here, neither open the files twice nor be refused by its own lock.
		const dir = migratedDirectory();
		const saved = process.env;
		process.env = { ...saved, DATABASE_URL: '', EMBEDDED_DATABASE_DIR: dir };
		try {
			vi.resetModules();
			const first = await import('../../src/lib/server/db');
			await first.prepareDatabase();
			await first.db.user.create({ data: { email: 'before@example.test', firstName: 'Before' } });
			vi.resetModules();
			const reloaded = await import('../../src/lib/server/db');
			await reloaded.prepareDatabase();
			expect((await reloaded.db.user.findMany({ select: { email: true } })).map((u) => u.email)).toEqual([
				'before@example.test'
			]);

			const other = open(dir);
			expect(await other.started).toBeUndefined();
			expect(other.stderr.trim()).toMatch(refusal(dir, process.pid));

			await reloaded.closeDatabase();
			await first.closeDatabase();
			expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
		} finally {
			process.env = saved;
		}
	}, 120_000);

	it('refuses the backfill while the app has it open', async () => {
		const dir = migratedDirectory();
		const app = open(dir);
		expect(await app.started).toEqual({ ready: app.pid });

		const backfill = track(
			new JsonLineProcess(
				[
					'prisma/seed.ts',
					'--from-snapshot',
					'tests/fixtures/airtable/base',
					'--dry-run',
					'--progress',
					'none'
				],
				{ DATABASE_URL: '', EMBEDDED_DATABASE_DIR: dir }
			)
		);
		expect(await backfill.exited).toBe(1);
		const lines = backfill.stderr.trim().split('\n');
		expect(lines.at(-1)).toMatch(refusal(dir, app.pid));
		expect(backfill.stderr).not.toMatch(/^\s+at /m);
		expect(await app.ask('emails')).toEqual({ emails: [] });
	}, 120_000);

	it('left by a killed process is taken over by exactly one of several processes racing for it', async () => {
		// 200 races at once: one process locks 200 directories and is killed, then 6 processes try to
		// take over each stale lock at the same moment (give or take what the scheduler adds).
		const parent = path.join(scratch, 'races');
		const count = 200;
		for (let i = 0; i < count; i++) mkdirSync(path.join(parent, String(i)), { recursive: true });
		const holder = track(lockProcess(parent, count));
		expect(await holder.started).toEqual({ won: Array.from({ length: count }, (_, i) => i) });
		await holder.crash();

		const at = Date.now() + 3_000;
		const racers = Array.from({ length: 6 }, () => track(lockProcess(parent, count, at)));
		const results = await Promise.all(racers.map((racer) => racer.started));
		const winners = new Map<number, number[]>();
		results.forEach((result, r) => {
			for (const i of result!.won as number[]) winners.set(i, [...(winners.get(i) ?? []), racers[r].pid]);
		});
		const notExactlyOne = [...Array(count).keys()].filter((i) => winners.get(i)?.length !== 1);
		expect(notExactlyOne.map((i) => `${i}: ${winners.get(i) ?? 'none'}`)).toEqual([]);
		// Each lock now names its winner, for the next process to be refused with.
		for (const [i, [pid]] of winners) {
			expect(JSON.parse(readFileSync(path.join(parent, String(i), LOCK_FILE), 'utf8')).pid).toBe(pid);
		}
	}, 120_000);
});
