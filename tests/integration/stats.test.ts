import { describe, expect, it } from 'vitest';
import { countPlatformTotals, homePageTotals } from '../../src/lib/server/stats';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

/** An event in voting with one project and `votes` voters for it. */
async function votedEvent(votes: number) {
	const event = await make.createEvent({ phase: 'voting' });
	const project = await make.createProject(event.id);
	for (let i = 0; i < votes; i++) await make.createVote((await make.createUser()).id, project.id);
	return event;
}

describe('the home page totals', () => {
	it('count events out of draft, their projects and votes exactly below the estimate threshold', async () => {
		const before = await countPlatformTotals();
		await votedEvent(2);
		await make.createEvent({ phase: 'draft' });
		const deleted = await votedEvent(3);
		await db.event.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
		expect(await countPlatformTotals()).toEqual({
			events: before.events + 1,
			projects: before.projects + 1,
			votes: before.votes + 2,
			votesEstimated: false
		});
	});

	it("estimate the votes from the planner's statistics above the threshold, still without deleted events", async () => {
		await votedEvent(4);
		const deleted = await votedEvent(2);
		await db.event.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
		await db.$executeRawUnsafe('ANALYZE votes');
		const exact = await countPlatformTotals({ estimateVotesFrom: Number.POSITIVE_INFINITY });
		const estimated = await countPlatformTotals({ estimateVotesFrom: 1 });
		expect(estimated).toEqual({ ...exact, votesEstimated: true });
		expect(exact.votes).toBe(await db.vote.count({ where: { event: { deletedAt: null } } }));
	});

	it('are reused for a minute, then counted again', async () => {
		const start = 10 ** 12;
		const first = await homePageTotals({ now: start });
		await votedEvent(1);
		expect(await homePageTotals({ now: start + 59_000 })).toEqual(first);
		const later = await homePageTotals({ now: start + 60_000 });
		expect(later.events).toBe(first.events + 1);
		expect(later.votes).toBe(first.votes + 1);
	});
});
