import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	designOffset,
	designRow,
	FIRST_SCREEN,
	firstScreenRatio,
	shuffleFor
} from '../../src/lib/server/results/ballot-design';

const projectsOf = (n: number) => Array.from({ length: n }, () => ({ id: randomUUID() }));
const ballots = (eventId: string, projects: { id: string }[], voters: number) =>
	Array.from({ length: voters }, (_, k) => designRow(eventId, projects, k).map((p) => p.id));

describe('the balanced ballot design', () => {
	it('gives every row all the projects once, the same row always in the same order', () => {
		const eventId = randomUUID();
		const projects = projectsOf(17);
		for (let k = 0; k < 40; k++) {
			const row = designRow(eventId, projects, k).map((p) => p.id);
			expect(new Set(row).size).toBe(17);
			expect(designRow(eventId, [...projects].reverse(), k).map((p) => p.id)).toEqual(row);
		}
	});

	it.each([2, 5, 6, 13, 60, 61])(
		'over %i consecutive ballots puts every project at every position exactly once (Latin square)',
		(n) => {
			const eventId = randomUUID();
			const projects = projectsOf(n);
			const rows = ballots(eventId, projects, 2 * n).slice(n); // any aligned run of n ballots
			for (let position = 0; position < n; position++) {
				expect(new Set(rows.map((row) => row[position])).size).toBe(n);
			}
			expect(new Set(Array.from({ length: n }, (_, k) => designOffset(k, n))).size).toBe(n);
		}
	);

	it('for an even number of projects, each project directly follows each other one once per n ballots', () => {
		const n = 12;
		const rows = ballots(randomUUID(), projectsOf(n), n);
		const pairs = new Set(rows.flatMap((row) => row.slice(1).map((id, i) => `${row[i]}>${id}`)));
		expect(pairs.size).toBe(n * (n - 1));
	});

	it('spreads the first screen evenly: 1,000 voters on 60 projects within 1.15, where shuffles are not', () => {
		const eventId = randomUUID();
		const projects = projectsOf(60);
		const ids = projects.map((p) => p.id);
		const balanced = firstScreenRatio(ids, ballots(eventId, projects, 1_000));
		const shuffled = firstScreenRatio(
			ids,
			Array.from({ length: 1_000 }, () => shuffleFor(randomUUID(), projects).map((p) => p.id))
		);
		expect(balanced).toBeLessThanOrEqual(1.15);
		// A per-voter shuffle, the order used before: typically 1.4 to 1.6 here.
		expect(shuffled).toBeGreaterThan(1.2);
	});

	it.each([
		[1_000, 47],
		[300, 25],
		[200, 100],
		[500, 7]
	])('keeps %i voters on %i projects within 1.15 in the first screen', (voters, n) => {
		const projects = projectsOf(n);
		expect(
			firstScreenRatio(
				projects.map((p) => p.id),
				ballots(randomUUID(), projects, voters)
			)
		).toBeLessThanOrEqual(1.15);
	});

	it('shows every project in the first screen once in each run of ceil(n/6) voters when 6 divides n', () => {
		const projects = projectsOf(60);
		const rows = ballots(randomUUID(), projects, 10);
		const firstScreens = rows.flatMap((row) => row.slice(0, FIRST_SCREEN));
		expect(new Set(firstScreens).size).toBe(60);
	});
});
