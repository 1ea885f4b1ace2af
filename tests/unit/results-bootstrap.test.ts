import { describe, expect, it } from 'vitest';
import {
	createRandom,
	describeInterval,
	markTies,
	ordinal,
	packBallots,
	rankObserved,
	resampleRanks,
	seedFrom
} from '../../src/lib/server/results/bootstrap';

/** `n` copies of a ballot. */
function times(n: number, ballot: number[]): number[][] {
	return Array.from({ length: n }, () => ballot);
}

describe('createRandom (mulberry32)', () => {
	it('repeats itself for a seed and differs between seeds, uniformly over [0, 1)', () => {
		const a = createRandom(seedFrom('event:100'));
		const b = createRandom(seedFrom('event:100'));
		const c = createRandom(seedFrom('event:101'));
		const first = Array.from({ length: 5 }, a);
		expect(Array.from({ length: 5 }, b)).toEqual(first);
		expect(Array.from({ length: 5 }, c)).not.toEqual(first);
		const draws = Array.from({ length: 10_000 }, createRandom(7));
		expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...draws)).toBeLessThan(1);
		const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
		expect(mean).toBeGreaterThan(0.49);
		expect(mean).toBeLessThan(0.51);
	});
});

describe('resampleRanks', () => {
	it('matches a known example: one ballot each for A and B puts A first in 3 of 4 resamples', async () => {
		// Resampling 2 ballots: {A, A} 1/4 (A 1st, B 2nd), {B, B} 1/4 (B 1st), {A, B} 1/2 (both 1st).
		const set = packBallots(2, [[0], [1]]);
		const result = await resampleRanks(set, { seed: 1, resamples: 2_000 });
		expect([...result.low]).toEqual([1, 1]);
		expect([...result.high]).toEqual([2, 2]);
		// Standard error sqrt(3/16 / 2000) ≈ 0.01: 0.04 is four of them.
		expect(result.firstShare[0]).toBeGreaterThan(0.71);
		expect(result.firstShare[0]).toBeLessThan(0.79);
		expect(result.firstShare[1]).toBeGreaterThan(0.71);
	});

	it('gives a clear winner a tight interval, and the close pair behind it wide ones', async () => {
		// A: 60 votes; B and C: 20 and 19; D: 2.
		const ballots = [...times(60, [0]), ...times(20, [1]), ...times(19, [2]), ...times(2, [3])];
		const set = packBallots(4, ballots);
		const result = await resampleRanks(set, { seed: seedFrom('clear'), resamples: 2_000 });
		expect([result.low[0], result.high[0]]).toEqual([1, 1]);
		expect(result.firstShare[0]).toBe(1);
		expect(result.low[1]).toBe(2);
		expect(result.high[1]).toBe(3);
		expect(result.low[2]).toBe(2);
		expect(result.high[2]).toBe(3);
		expect([result.low[3], result.high[3]]).toEqual([4, 4]);
	});

	it('is reproducible: the same seed gives the same intervals, legacy points stay fixed', async () => {
		const ballots = [...times(7, [0, 1]), ...times(6, [1, 2]), ...times(6, [2, 0]), ...times(3, [3])];
		const set = packBallots(4, ballots, [0, 0, 0, 30]);
		const one = await resampleRanks(set, { seed: 42, resamples: 500 });
		const two = await resampleRanks(set, { seed: 42, resamples: 500 });
		expect(two).toEqual(one);
		// 30 legacy points beat any resample of 22 ballots: project 3 is always first.
		expect([one.low[3], one.high[3], one.firstShare[3]]).toEqual([1, 1, 1]);
	});

	it('copes with no ballots and with no projects', async () => {
		const none = await resampleRanks(packBallots(3, [], [5, 2, 2]), { seed: 1, resamples: 100 });
		expect([...none.low]).toEqual([1, 2, 2]);
		expect([...none.high]).toEqual([1, 2, 2]);
		const empty = await resampleRanks(packBallots(0, []), { seed: 1, resamples: 100 });
		expect(empty.low.length).toBe(0);
	});
});

describe('markTies and describeInterval', () => {
	it('marks a tie at the top where intervals overlap, and calls a clear first clear', async () => {
		// A and B: 30 votes each; C: 5.
		const set = packBallots(3, [...times(30, [0]), ...times(30, [1]), ...times(5, [2])]);
		const result = await resampleRanks(set, { seed: 3, resamples: 2_000 });
		const observed = rankObserved(set);
		expect([...observed]).toEqual([1, 1, 3]);
		const tied = markTies(observed, result.low, result.high);
		expect(tied).toEqual([true, true, false]);
		expect(describeInterval(result.low[0], result.high[0], tied[0])).toBe('1st or 2nd: too close to call');
		expect(describeInterval(result.low[2], result.high[2], tied[2])).toBe('3rd: clear');
	});

	it('only looks at the top places', () => {
		const observed = Int32Array.from([1, 2, 3, 4, 5]);
		const low = Int32Array.from([1, 2, 3, 4, 4]);
		const high = Int32Array.from([1, 2, 3, 5, 5]);
		expect(markTies(observed, low, high)).toEqual([false, false, false, false, false]);
		expect(markTies(observed, low, high, 5)).toEqual([false, false, false, true, true]);
	});

	it('says ranges in plain words', () => {
		expect(describeInterval(1, 1, false)).toBe('1st: clear');
		expect(describeInterval(1, 1, true)).toBe('1st, possibly shared: too close to call');
		expect(describeInterval(2, 5, true)).toBe('2nd to 5th: too close to call');
		expect(describeInterval(11, 13, false)).toBe('11th to 13th');
		expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
			'1st',
			'2nd',
			'3rd',
			'4th',
			'11th',
			'12th',
			'13th',
			'21st',
			'22nd',
			'23rd',
			'101st',
			'111th'
		]);
	});
});
