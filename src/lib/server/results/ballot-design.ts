import { createHash } from 'node:crypto';

// The balanced ballot order of issue 15, as pure functions (no database): the app and
// scripts/simulate-exposure.ts use the same ones.
//
// Each event's projects get one fixed order, the event permutation. Voter k (the k-th to open the
// ballot) gets a row of a Latin square over it: project (offset_k + base[i]) mod n at position i, where
// base = 0, 1, n-1, 2, n-2, ... (a Williams design: for an even n, over n rows each project directly
// follows each other project once, so no project always sits just below the same neighbour). Because the
// top s positions of any row cover a contiguous run of the permutation, handing out offsets s apart
// (0, s, 2s, ..., then 1, 1+s, ...) tiles the first screen: every ceil(n/s) consecutive voters see every
// project in their first screen about once, and every n consecutive voters see every project at every
// position exactly once.

/** How many ballot cards the first screenful shows (three rows of two on a laptop, six on a phone). */
export const FIRST_SCREEN = 6;

/** Orders items by a hash of `key` and their id: the same key always gives the same order. */
export function shuffleFor<T extends { id: string }>(key: string, items: T[]): T[] {
	const rank = (id: string) => createHash('sha256').update(`${key}:${id}`).digest('hex');
	return items
		.map((item) => ({ item, key: rank(item.id) }))
		.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
		.map(({ item }) => item);
}

/** The Williams base sequence 0, 1, n-1, 2, n-2, ... of length n. */
function baseSequence(n: number): number[] {
	return Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i % 2 === 1 ? (i + 1) / 2 : n - i / 2));
}

/** The offset of the design row given to the k-th ballot (from 0) of an event with n projects. */
export function designOffset(k: number, n: number, screen = FIRST_SCREEN): number {
	if (n <= 0) return 0;
	const s = Math.max(1, Math.min(screen, n));
	let index = ((k % n) + n) % n;
	// Offsets grouped by their remainder mod s: 0, s, 2s, ... then 1, 1+s, ... (a permutation of 0..n-1).
	for (let residue = 0; residue < s; residue++) {
		const count = Math.ceil((n - residue) / s);
		if (index < count) return residue + index * s;
		index -= count;
	}
	return 0; // unreachable: the groups hold n offsets
}

/** Design row k of an event: its projects (all of them, in the event permutation) in that row's order. */
export function designRow<T extends { id: string }>(eventId: string, projects: T[], k: number): T[] {
	const permutation = shuffleFor(eventId, projects);
	const n = permutation.length;
	const offset = designOffset(k, n);
	return baseSequence(n).map((step) => permutation[(offset + step) % n]);
}

/** Max/min ratio of how often each project appeared in the first `screen` positions of `ballots`. */
export function firstScreenRatio(projectIds: string[], ballots: string[][], screen = FIRST_SCREEN): number {
	const seen = new Map(projectIds.map((id) => [id, 0]));
	for (const ballot of ballots) {
		for (const id of ballot.slice(0, screen)) seen.set(id, (seen.get(id) ?? 0) + 1);
	}
	const counts = [...seen.values()];
	const min = Math.min(...counts);
	return min === 0 ? Infinity : Math.max(...counts) / min;
}
