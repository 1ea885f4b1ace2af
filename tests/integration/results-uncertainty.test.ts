import { describe, expect, it } from 'vitest';
import { getResultsUncertainty } from '../../src/lib/server/results/uncertainty';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import {
	addAttendee,
	addCollaborator,
	createEvent,
	createProject,
	createUser,
	createVote
} from '../helpers/factories';

/** Gives `project` `n` votes from fresh attendees; returns the voters. */
async function votesFor(projectId: string, n: number) {
	const voters: string[] = [];
	for (let i = 0; i < n; i++) {
		const voter = await createUser();
		await createVote(voter.id, projectId);
		voters.push(voter.id);
	}
	return voters;
}

describe('getResultsUncertainty', () => {
	it('gives a clear winner a tight interval and its margin, from the ballots in the database', async () => {
		const event = await createEvent({ phase: 'voting' });
		const a = await createProject(event.id, { name: 'Alpha' });
		const b = await createProject(event.id, { name: 'Beta' });
		const c = await createProject(event.id, { name: 'Gamma' });
		await votesFor(a.id, 12);
		await votesFor(b.id, 2);

		const result = await getResultsUncertainty(event.id);
		expect(result.ballots).toBe(14);
		expect(result.resamples).toBe(2_000);
		expect(result.hasLegacy).toBe(false);
		expect(result.intervals[a.id]).toMatchObject({ low: 1, high: 1, tied: false, words: '1st: clear' });
		expect(result.intervals[a.id].firstShare).toBeGreaterThan(0.99);
		// Beta has no vote in about one resample in nine ((12/14)^14): then it shares 2nd with Gamma.
		expect(result.intervals[b.id]).toMatchObject({
			low: 2,
			high: 2,
			tied: true,
			words: '2nd, possibly shared: too close to call'
		});
		expect(result.intervals[c.id]).toMatchObject({ low: 2, high: 3, words: '2nd or 3rd: too close to call' });
		// Lead 10: five voters of Alpha voting Beta instead would tie first place.
		expect(result.margin).toEqual({ kind: 'margin', ballots: 5, winnerId: a.id, challengerId: b.id });

		// A page's first rows: only the top places' intervals travel, from the same cached answer.
		const top = await getResultsUncertainty(event.id, { places: 1 });
		expect(Object.keys(top.intervals)).toEqual([a.id]);
		expect(top).toMatchObject({ complete: false, projects: 3, margin: result.margin });
	});

	it('keeps its answer while nothing changes and computes again after a ballot, on any path', async () => {
		const event = await createEvent({ phase: 'voting' });
		const a = await createProject(event.id, { name: 'Alpha' });
		const b = await createProject(event.id, { name: 'Beta' });
		const c = await createProject(event.id, { name: 'Gamma' });
		const d = await createProject(event.id, { name: 'Delta' });
		await votesFor(a.id, 5);
		await votesFor(b.id, 4);

		const first = await getResultsUncertainty(event.id);
		expect(await getResultsUncertainty(event.id)).toBe(first);
		expect(first.ballots).toBe(9);

		// A change this process did not make (another instance's; here written straight to the database):
		// the public leaderboard accepts an answer checked within the last second (here: a minute).
		await db.project.update({ where: { id: d.id }, data: { legacyPoints: 1 } });
		expect(await getResultsUncertainty(event.id, { maxAgeMs: 60_000 })).toBe(first);
		expect((await getResultsUncertainty(event.id)).hasLegacy).toBe(true);
		await db.project.update({ where: { id: d.id }, data: { legacyPoints: 0 } });

		// A ballot through the app's own ballot path: 5 : 5, first place is tied. Its notice forgets what
		// this process keeps (results/kept.ts), so it is seen at once, whatever the answer's age.
		const voter = await createUser();
		await addAttendee(event.id, voter.id);
		await castBallot(voter.id, event.id, [b.id, c.id]);
		const second = await getResultsUncertainty(event.id, { maxAgeMs: 60_000 });
		expect(second).not.toBe(first);
		expect(second.ballots).toBe(10);
		expect(second.margin).toEqual({ kind: 'tied', projectIds: [a.id, b.id].sort() });
		expect(second.intervals[a.id].tied).toBe(true);
		expect(second.intervals[b.id].tied).toBe(true);
		expect(second.intervals[a.id].words).toMatch(/too close to call$/);

		// The voter changes their picks: same number of ballots, other data, another answer.
		await castBallot(voter.id, event.id, [c.id, d.id]);
		const third = await getResultsUncertainty(event.id);
		expect(third).not.toBe(second);
		expect(third.margin).toMatchObject({ kind: 'margin', winnerId: a.id });

		// Legacy points (imported) count and stay fixed; a new teammate changes the margin's rules.
		await db.project.update({ where: { id: d.id }, data: { legacyPoints: 20 } });
		const fourth = await getResultsUncertainty(event.id);
		expect(fourth.hasLegacy).toBe(true);
		expect(fourth.intervals[d.id]).toMatchObject({ low: 1, high: 1, words: '1st: clear' });
		expect(fourth.margin).toEqual({ kind: 'unreachable', winnerId: d.id });
		await addCollaborator(c.id, voter.id).catch(() => undefined);
		expect(await getResultsUncertainty(event.id)).not.toBe(fourth);
	});

	it('answers for events without ballots or projects', async () => {
		const empty = await createEvent({ phase: 'closed' });
		expect(await getResultsUncertainty(empty.id)).toEqual({
			ballots: 0,
			resamples: 2_000,
			projects: 0,
			complete: true,
			intervals: {},
			margin: { kind: 'none' },
			hasLegacy: false
		});
		const quiet = await createEvent({ phase: 'voting' });
		const only = await createProject(quiet.id);
		await createProject(quiet.id);
		const result = await getResultsUncertainty(quiet.id);
		expect(result.intervals[only.id]).toMatchObject({ low: 1, high: 1, tied: true });
		expect(result.margin).toEqual({ kind: 'none' });
	});
});
