import { describe, expect, it } from 'vitest';
import { packBallots } from '../../src/lib/server/results/bootstrap';
import { computeMargin } from '../../src/lib/server/results/margin';
import { describeMargin } from '../../src/lib/uncertainty';

function times(n: number, ballot: number[]): number[][] {
	return Array.from({ length: n }, () => ballot);
}

// Projects are 0 = A, 1 = B, 2 = C, 3 = D.
describe('computeMargin', () => {
	it('swaps votes for the winner first: each such ballot closes the lead by 2', () => {
		// A 5, B 1: A's lead 4 closes with 2 ballots that swap A for B (then 3 : 3).
		expect(computeMargin(packBallots(2, [...times(5, [0]), [1]]))).toEqual({
			kind: 'margin',
			ballots: 2,
			winner: 0,
			challenger: 1
		});
		// A lead of 1 takes a single swap (A 3, B 2 → 2 : 3).
		expect(computeMargin(packBallots(2, [...times(3, [0]), ...times(2, [1])]))).toMatchObject({ ballots: 1 });
	});

	it('counts 1 per ballot that voted for both, or for neither', () => {
		// A 4 (2 of them legacy points), B 2 on the same ballots as A, D 1: no ballot can swap A for B, so
		// 2 ballots must drop A (or add B). C and D cost 2 as well; the runner-up B is named.
		expect(computeMargin(packBallots(4, [...times(2, [0, 1]), [3]], [2, 0, 0, 0]))).toEqual({
			kind: 'margin',
			ballots: 2,
			winner: 0,
			challenger: 1
		});
		// A 6, B 3, C 3: B catches up with 2 swaps from the ballots for A and C.
		expect(computeMargin(packBallots(3, [...times(3, [0, 1]), ...times(3, [0, 2])]))).toMatchObject({
			kind: 'margin',
			ballots: 2,
			challenger: 1
		});
		// A 4 legacy points, B 1, C 3: the ballot for B (neither A nor C) adds C: 1 ballot.
		expect(computeMargin(packBallots(3, [[1], ...times(3, [2])], [4, 0, 0]))).toEqual({
			kind: 'margin',
			ballots: 1,
			winner: 0,
			challenger: 2
		});
	});

	it('picks the cheapest challenger, not always the runner-up', () => {
		// A 6, B 3 (legacy points), C 2; every voter is on B's team. B: lead 3, nobody may vote B, so 3
		// ballots must drop A. C: lead 4, closed by 2 ballots that swap A for C.
		const ballots = [...times(6, [0]), ...times(2, [2])];
		const teams = times(8, [1]);
		expect(computeMargin(packBallots(3, ballots, [0, 3, 0]), teams)).toEqual({
			kind: 'margin',
			ballots: 2,
			winner: 0,
			challenger: 2
		});
	});

	it('is 0 when first place is already tied', () => {
		expect(computeMargin(packBallots(3, [[0], [1], [2, 0], [1]]))).toEqual({
			kind: 'tied',
			ballots: 0,
			projects: [0, 1]
		});
	});

	it('respects teams: a voter cannot switch to their own project', () => {
		// A 3, B 1. Without teams: 1 swap. If the 3 voters of A are on B's team they can only drop A:
		// lead 2 takes 2 ballots.
		const ballots = [...times(3, [0]), [1]];
		expect(computeMargin(packBallots(2, ballots))).toMatchObject({ ballots: 1 });
		expect(computeMargin(packBallots(2, ballots), [[1], [1], [1], []])).toMatchObject({ ballots: 2 });
		// One of them on B's team: the other two can still swap.
		expect(computeMargin(packBallots(2, ballots), [[1], [], [], []])).toMatchObject({ ballots: 1 });
	});

	it('knows when legacy points put the winner out of reach, and when there is no contest', () => {
		expect(computeMargin(packBallots(2, [[1], [1]], [10, 0]))).toEqual({ kind: 'unreachable', winner: 0 });
		// A 3 legacy points, B 1 vote: the only ballot already votes for B.
		expect(computeMargin(packBallots(2, [[1]], [3, 0]))).toEqual({ kind: 'unreachable', winner: 0 });
		expect(computeMargin(packBallots(1, [[0]]))).toEqual({ kind: 'none' });
		expect(computeMargin(packBallots(3, []))).toEqual({ kind: 'none' });
	});
});

describe('describeMargin', () => {
	const names: Record<string, string> = { a: 'Alpha', b: 'Beta' };
	const nameOf = (id: string) => names[id];
	it('says the margin in plain words', () => {
		expect(describeMargin({ kind: 'margin', ballots: 1, winnerId: 'a', challengerId: 'b' }, 40, nameOf)).toBe(
			'Margin: 1 ballot of 40. Changing one ballot in favour of Beta and against Alpha would have tied or overturned first place.'
		);
		expect(
			describeMargin({ kind: 'margin', ballots: 65, winnerId: 'a', challengerId: 'b' }, 2000, nameOf)
		).toBe(
			'Margin: 65 ballots of 2,000. Changing 65 ballots in favour of Beta and against Alpha would have tied or overturned first place.'
		);
		expect(describeMargin({ kind: 'unreachable', winnerId: 'a' }, 3, nameOf)).toMatch(
			/^No change of ballots could catch Alpha/
		);
		expect(describeMargin({ kind: 'tied', projectIds: ['a', 'b'] }, 40, nameOf)).toBe(
			'First place is tied (Alpha, Beta): margin 0 ballots.'
		);
	});
});
