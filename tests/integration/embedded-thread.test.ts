import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/lib/server/database-status';
import { startEmbeddedThread, type EmbeddedThread } from '../../src/lib/server/embedded/thread';
import { Prisma, PrismaClient } from '../../src/lib/server/generated/prisma/client';
import { applyMigrations } from '../../src/lib/server/migrations';

// The embedded database in a directory runs in a thread of its own (src/lib/server/embedded/thread.ts):
// the app sends it each statement as a message. What the app relies on must hold across that boundary:
// Prisma's results and errors, transactions that do not mix, NOTIFY, and a thread that stops.

const dir = mkdtempSync(path.join(tmpdir(), 'podium-thread-test-'));
let thread: EmbeddedThread;
let db: PrismaClient;

function open() {
	thread = startEmbeddedThread(dir);
	db = new PrismaClient({ adapter: thread.adapter });
}

async function close() {
	await db.$disconnect();
	await thread.close();
}

beforeAll(async () => {
	open();
	await applyMigrations(thread.sql);
});
afterAll(async () => {
	await close();
	rmSync(dir, { recursive: true, force: true });
});

let people = 0;
const person = (name: string) =>
	db.user.create({ data: { email: `${name.toLowerCase()}-${++people}@example.test`, firstName: name } });

describe('the embedded database in its own thread', () => {
	it('keeps what was written when it is closed and opened again', async () => {
		const { email } = await person('Kept');
		await close();
		open();
		expect((await db.user.findUnique({ where: { email } }))?.firstName).toBe('Kept');
	});

	it("answers with the database's refusals, as Prisma's errors", async () => {
		const { email } = await person('Once');
		const twice = await db.user.create({ data: { email, firstName: 'Twice' } }).catch((e) => e);
		expect(twice).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
		expect(twice.code).toBe('P2002');
		expect(twice.message).toContain('Unique constraint failed on the fields: (`email`)');

		const divided = await db.$queryRaw<unknown>`SELECT 1 / 0 AS n`.then(
			() => undefined,
			(e: Prisma.PrismaClientKnownRequestError) => e
		);
		expect(divided).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
		expect(divided?.code).toBe('P2010');
		expect(divided?.message).toContain('division by zero');
	});

	it('rolls back a transaction that fails, and commits one that does not', async () => {
		const failed = await db
			.$transaction(async (tx) => {
				await tx.user.create({ data: { email: 'rolled-back@example.test', firstName: 'Gone' } });
				throw new Error('the request failed');
			})
			.catch((e) => e);
		expect(failed.message).toBe('the request failed');
		expect(await db.user.findUnique({ where: { email: 'rolled-back@example.test' } })).toBeNull();

		await db.$transaction(async (tx) => {
			await tx.user.create({ data: { email: 'committed@example.test', firstName: 'Here' } });
		});
		expect(await db.user.findUnique({ where: { email: 'committed@example.test' } })).not.toBeNull();
	});

	it('runs the transactions of concurrent requests one after the other, losing no update', async () => {
		const { id } = await person('Counter');
		// Each reads the name's length and writes one letter more: interleaved, two would read the same.
		const lengthen = () =>
			db.$transaction(async (tx) => {
				const { firstName } = await tx.user.findUniqueOrThrow({ where: { id } });
				await tx.user.update({ where: { id }, data: { firstName: `${firstName}+` } });
			});
		await Promise.all(Array.from({ length: 25 }, lengthen));
		const { firstName } = await db.user.findUniqueOrThrow({ where: { id } });
		expect(firstName).toBe(`Counter${'+'.repeat(25)}`);
	});

	it('delivers NOTIFY to those who listen', async () => {
		const heard: string[] = [];
		const stop = await thread.listen(
			'thread_test',
			(payload) => heard.push(payload),
			() => {}
		);
		await db.$queryRaw`SELECT pg_notify('thread_test', 'hello')::text AS sent`;
		await expect.poll(() => heard).toEqual(['hello']);
		await stop();
		await db.$queryRaw`SELECT pg_notify('thread_test', 'unheard')::text AS sent`;
		await db.$queryRaw`SELECT 1 AS n`;
		expect(heard).toEqual(['hello']);
	});

	describe('when its thread stops', () => {
		afterEach(async () => {
			// The next test starts from a running thread.
			await expect
				.poll(
					() =>
						db.$queryRaw`SELECT 1 AS n`.then(
							() => true,
							() => false
						),
					{ timeout: 5_000 }
				)
				.toBe(true);
		});

		it('refuses what was under way as an outage, tells listeners, and starts again on the same files', async () => {
			const { email } = await person('Before');
			const lost: Error[] = [];
			await thread.listen(
				'thread_test',
				() => {},
				(error) => lost.push(error)
			);
			const running = db.$queryRaw`SELECT count(*)::int AS n FROM generate_series(1, 30000000)`.catch(
				(e) => e
			);
			// The thread ends as a crash would end it, in the middle of a statement.
			await new Promise((resolve) => setTimeout(resolve, 100));
			await thread.worker()!.terminate();

			const refused = await running;
			// Answered as an outage (503, try again), not as a failed query.
			expect(refused).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
			expect(isDatabaseUnavailable(refused)).toBe(true);
			expect(lost).toHaveLength(1);

			// Started again by a later statement, with what was committed before.
			await expect
				.poll(
					() =>
						db.user.findUnique({ where: { email } }).then(
							(u) => u?.firstName,
							() => undefined
						),
					{
						timeout: 5_000
					}
				)
				.toBe('Before');
		});

		it('refuses the rest of a transaction it had begun', async () => {
			const outcome = await db
				.$transaction(async (tx) => {
					await tx.user.create({ data: { email: 'half-done@example.test', firstName: 'Half' } });
					await thread.worker()!.terminate();
					await tx.user.create({ data: { email: 'never@example.test', firstName: 'Never' } });
				})
				.catch((e) => e);
			expect(outcome).toBeInstanceOf(Error);
			await expect
				.poll(
					() =>
						db.user
							.count({ where: { email: { in: ['half-done@example.test', 'never@example.test'] } } })
							.catch(() => -1),
					{
						timeout: 5_000
					}
				)
				.toBe(0);
		});
	});
});
