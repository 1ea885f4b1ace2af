import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { PrismaClient } from '../../src/lib/server/generated/prisma/client';
import { isDatabaseUnavailable } from '../../src/lib/server/database-status';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// What the app's Prisma client really throws when the database is gone, against what it throws for a
// query the database refuses: only the first is a passing outage (503), the second stays a fault (500).

const caught = (work: Promise<unknown>) =>
	work.then(
		() => undefined,
		(e: unknown) => e
	);

describe('telling an outage from a fault', () => {
	it('says "unavailable" for every kind of query to a server that does not answer', async () => {
		const gone = new PrismaClient({
			adapter: new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:1/podium' })
		});
		try {
			for (const work of [
				() => gone.user.count(),
				() => gone.$queryRaw`SELECT 1`,
				() => gone.$transaction(async (tx) => tx.user.count())
			]) {
				const error = await caught(work());
				expect(error).toBeDefined();
				expect(isDatabaseUnavailable(error)).toBe(true);
			}
		} finally {
			await gone.$disconnect();
		}
	});

	it('says "fault" for queries the database refuses, and for other errors', async () => {
		const user = await make.createUser();
		const duplicate = await caught(db.user.create({ data: { email: user.email, firstName: 'Twin' } }));
		expect(duplicate).toBeDefined();
		expect(isDatabaseUnavailable(duplicate)).toBe(false);
		const syntax = await caught(db.$queryRawUnsafe('SELEC 1'));
		expect(syntax).toBeDefined();
		expect(isDatabaseUnavailable(syntax)).toBe(false);
		expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
		expect(isDatabaseUnavailable(null)).toBe(false);
	});

	it.runIf(process.env.DATABASE_URL)(
		'says "unavailable" when the server ends the connection mid-query',
		async () => {
			const victim = new PrismaClient({
				adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 1 })
			});
			try {
				const [{ pid }] = await victim.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
				const sleeping = caught(victim.$queryRaw`SELECT pg_sleep(10)`);
				await new Promise((resolve) => setTimeout(resolve, 300));
				await db.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
				const error = await sleeping;
				expect(error).toBeDefined();
				expect(isDatabaseUnavailable(error)).toBe(true);
			} finally {
				await victim.$disconnect();
			}
		}
	);
});
