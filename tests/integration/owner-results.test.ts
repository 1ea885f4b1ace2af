import { describe, expect, it } from 'vitest';
import { setResultsRevealed } from '../../src/lib/server/leaderboard';
import { keptLiveSnapshot } from '../../src/lib/server/live';
import { ownerResults } from '../../src/lib/server/results/owner-results';
import { voidBallot } from '../../src/lib/server/results/voiding';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { votingScene } from '../helpers/factories';

// The owner's results page keeps its figures 1 s per event (src/lib/server/results/owner-results.ts);
// what changes through this process is seen at once.
describe("the owner's results", () => {
	const scene = () => votingScene({ projects: 3 });
	const votesOf = (results: Awaited<ReturnType<typeof ownerResults>>, id: string) =>
		results.ranking.find((p) => p.id === id)?.votes;

	it('follow a ballot and a void through this process at once', async () => {
		const s = await scene();
		const before = await ownerResults(s.event.id, false);
		expect(before.turnout).toEqual({ attendees: 3, voted: 0 });
		expect(votesOf(before, s.ids[0])).toBe(0);

		const voter = await s.voter();
		await castBallot(voter.id, s.event.id, [s.ids[0]]);
		const after = await ownerResults(s.event.id, false);
		expect(votesOf(after, s.ids[0])).toBe(1);
		expect(after.turnout).toEqual({ attendees: 4, voted: 1 });
		expect(after.uncertainty.ballots).toBe(1);

		await voidBallot(s.actor, s.event.id, voter.id, 'Second account.');
		const voided = await ownerResults(s.event.id, false);
		expect(votesOf(voided, s.ids[0])).toBe(0);
		expect(voided.uncertainty.ballots).toBe(0);
	});

	it('are kept a moment: a change made elsewhere shows within a second', async () => {
		const s = await scene();
		const first = await ownerResults(s.event.id, true);
		// Another app instance's ballot: written straight to the database, no notice heard here.
		const voter = await s.voter();
		await db.vote.create({ data: { voterId: voter.id, projectId: s.ids[1], eventId: s.event.id } });
		expect(votesOf(await ownerResults(s.event.id, true), s.ids[1])).toBe(0);
		await new Promise((resolve) => setTimeout(resolve, 1_050));
		const later = await ownerResults(s.event.id, true);
		expect(votesOf(later, s.ids[1])).toBe(1);
		expect(later.projects).toBe(first.projects);
	});

	it("the projector's first screen follows a ballot and a reveal through this process at once", async () => {
		const s = await scene();
		expect((await keptLiveSnapshot(s.event.id)).turnout.voted).toBe(0);
		const voter = await s.voter();
		await castBallot(voter.id, s.event.id, [s.ids[2]]);
		expect((await keptLiveSnapshot(s.event.id)).turnout.voted).toBe(1);
		await db.event.update({ where: { id: s.event.id }, data: { phase: 'closed' } });
		expect((await keptLiveSnapshot(s.event.id)).revealed).toBe(false);
		await setResultsRevealed(s.owner.id, s.event.id, true);
		expect((await keptLiveSnapshot(s.event.id)).revealed).toBe(true);
	});
});
