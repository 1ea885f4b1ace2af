import { describe, expect, it } from 'vitest';
import { isPassingFailure, parseRetryAfter, retryDelay } from '../../src/lib/ballot/retry';
import { stampBallot, unsentBallotOf } from '../../src/lib/ballot/unsent';
import { ballotSchema } from '../../src/lib/schemas/ballot';

// The ballot page's retry rules and what it keeps in the browser, without a browser.

describe('retryDelay', () => {
	it('doubles from 1 s up to 30 s, each cut by up to a half at random', () => {
		const longest = [1, 2, 3, 4, 5, 6, 7, 12].map((n) => retryDelay(n, undefined, () => 1));
		expect(longest).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
		const shortest = [1, 2, 6].map((n) => retryDelay(n, undefined, () => 0));
		expect(shortest).toEqual([500, 1_000, 15_000]);
	});

	it('never retries sooner than the Retry-After, but spreads the retries after it', () => {
		expect(retryDelay(1, 5_000, () => 0)).toBe(5_000);
		expect(retryDelay(1, 5_000, () => 1)).toBe(6_250);
		expect(retryDelay(6, 1_000, () => 1)).toBe(30_000); // the backoff is longer
		expect(retryDelay(1, 86_400_000, () => 0)).toBe(120_000); // a day is not a reasonable wait
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates, and ignores anything else', () => {
		const now = Date.parse('2026-12-01T10:00:00Z');
		expect(parseRetryAfter('5', now)).toBe(5_000);
		expect(parseRetryAfter(' 1 ', now)).toBe(1_000);
		expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter(null, now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
	});
});

describe('isPassingFailure', () => {
	it('retries no answer, timeouts, rate limits and server errors; not refusals', () => {
		expect([undefined, 408, 429, 500, 502, 503, 504].map(isPassingFailure)).toEqual(Array(7).fill(true));
		expect([200, 303, 400, 403, 404, 409].map(isPassingFailure)).toEqual(Array(6).fill(false));
	});
});

/** localStorage's interface over a Map: what the browser would keep. */
function memoryStorage() {
	const items = new Map<string, string>();
	return {
		items,
		getItem: (key: string) => items.get(key) ?? null,
		setItem: (key: string, value: string) => void items.set(key, value),
		removeItem: (key: string) => void items.delete(key)
	};
}

/** A stamp as the form posts it. */
const stringly = (b: { device: string; seq: number; key: string }) => ({
	device: b.device,
	seq: String(b.seq),
	key: b.key
});

describe('stampBallot and unsentBallotOf', () => {
	it('stamps every ballot of a browser with one device id, a growing seq and a fresh key', () => {
		const storage = memoryStorage();
		const first = stampBallot(storage, ['a']);
		const second = stampBallot(storage, ['b']);
		expect(second.device).toBe(first.device);
		expect(second.seq).toBe(first.seq + 1);
		expect(second.key).not.toBe(first.key);
		expect(ballotSchema.parse({ project: crypto.randomUUID(), ...stringly(second) }).stamp).toEqual({
			device: second.device,
			seq: second.seq,
			key: second.key
		});
		expect(stampBallot(memoryStorage(), ['c']).device).not.toBe(first.device); // another browser
	});

	it('keeps the unsent ballot per person and event until it is cleared, and ignores damaged entries', () => {
		const storage = memoryStorage();
		const mine = unsentBallotOf(storage, 'voter-1', 'hack-fest');
		const ballot = stampBallot(storage, ['p1', 'p2']);
		mine.save(ballot);
		expect(unsentBallotOf(storage, 'voter-1', 'hack-fest').load()).toEqual(ballot);
		expect(unsentBallotOf(storage, 'voter-2', 'hack-fest').load()).toBeNull();
		expect(unsentBallotOf(storage, 'voter-1', 'other-fest').load()).toBeNull();
		mine.clear();
		expect(mine.load()).toBeNull();

		for (const damaged of ['{', '"text"', '{"picks":"p1"}', '{"picks":[1],"device":"d","key":"k","seq":1}']) {
			storage.setItem('podium:unsent-ballot:voter-1:hack-fest', damaged);
			expect(mine.load()).toBeNull();
		}
	});
});

describe('ballotSchema', () => {
	const project = crypto.randomUUID();
	const stamp = { device: crypto.randomUUID(), seq: '12', key: crypto.randomUUID() };

	it('takes a ballot without a stamp (the plain form) or with all of it', () => {
		expect(ballotSchema.parse({ project })).toEqual({ project: [project], stamp: undefined });
		expect(ballotSchema.parse({ project, ...stamp }).stamp).toEqual({ ...stamp, seq: 12 });
	});

	it('refuses part of a stamp or an unreadable one with a message for the voter', () => {
		const bad = [
			{ device: stamp.device },
			{ device: stamp.device, seq: stamp.seq },
			{ ...stamp, seq: '0' },
			{ ...stamp, seq: '-1' },
			{ ...stamp, seq: '1e3' },
			{ ...stamp, seq: '99999999999999999' },
			{ ...stamp, key: 'nope' },
			{ ...stamp, device: '' }
		];
		for (const fields of bad) {
			const result = ballotSchema.safeParse({ project, ...fields });
			expect(result.success, JSON.stringify(fields)).toBe(false);
			expect(result.error?.issues[0].message).toBe(
				'This ballot could not be read. Reload the page and send it again.'
			);
		}
	});
});
