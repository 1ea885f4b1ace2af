import { describe, expect, it } from 'vitest';
import { consumeRateLimit, pruneRateLimits } from '../../src/lib/server/rate-limit';
import { db } from '../helpers/db';

describe('consumeRateLimit', () => {
	it('allows up to the limit within a window, then refuses with the time left', async () => {
		const results = [];
		for (let i = 0; i < 4; i++) results.push(await consumeRateLimit('t:basic', 3, 60_000));
		expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
		expect(results[0].retryAfterSeconds).toBe(0);
		expect(results[3].retryAfterSeconds).toBeGreaterThan(55);
		expect(results[3].retryAfterSeconds).toBeLessThanOrEqual(60);
	});

	it('keeps keys apart', async () => {
		expect((await consumeRateLimit('t:a', 1, 60_000)).allowed).toBe(true);
		expect((await consumeRateLimit('t:a', 1, 60_000)).allowed).toBe(false);
		expect((await consumeRateLimit('t:b', 1, 60_000)).allowed).toBe(true);
	});

	it('starts a new window once the old one has ended', async () => {
		expect((await consumeRateLimit('t:window', 1, 300)).allowed).toBe(true);
		const refused = await consumeRateLimit('t:window', 1, 300);
		expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await consumeRateLimit('t:window', 1, 300)).allowed).toBe(true);
	});

	it('refused hits do not push the reset further away', async () => {
		await consumeRateLimit('t:hammer', 1, 60_000);
		const before = await db.rateLimit.findUniqueOrThrow({ where: { key: 't:hammer' } });
		for (let i = 0; i < 5; i++) await consumeRateLimit('t:hammer', 1, 60_000);
		const after = await db.rateLimit.findUniqueOrThrow({ where: { key: 't:hammer' } });
		expect(after.resetAt).toEqual(before.resetAt);
		expect(after.hits).toBe(6);
	});

	it('under concurrent hits, exactly `limit` of them are allowed', async () => {
		const results = await Promise.all(
			Array.from({ length: 40 }, () => consumeRateLimit('t:concurrent', 7, 60_000))
		);
		expect(results.filter((r) => r.allowed)).toHaveLength(7);
		const row = await db.rateLimit.findUniqueOrThrow({ where: { key: 't:concurrent' } });
		expect(row.hits).toBe(40);
	});

	it('rejects a nonsensical limit or window', async () => {
		await expect(consumeRateLimit('t:bad', 0, 1000)).rejects.toThrow(RangeError);
		await expect(consumeRateLimit('t:bad', 1, 0)).rejects.toThrow(RangeError);
	});

	it('pruning removes only windows that have ended', async () => {
		await consumeRateLimit('t:short', 5, 50);
		await consumeRateLimit('t:long', 5, 60_000);
		await new Promise((resolve) => setTimeout(resolve, 80));
		await pruneRateLimits();
		const keys = (await db.rateLimit.findMany({ select: { key: true } })).map((r) => r.key);
		expect(keys).toContain('t:long');
		expect(keys).not.toContain('t:short');
	});
});
