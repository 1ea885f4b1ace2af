import { describe, expect, it } from 'vitest';
import type { EventPhase } from '../../src/lib/server/generated/prisma/client';
import {
	assignRanks,
	countTurnout,
	forgetPublicLeaderboard,
	getLeaderboard,
	rankProjects,
	setResultsRevealed
} from '../../src/lib/server/leaderboard';
import { changeEventPhase, describePhaseChange, PHASES } from '../../src/lib/server/phases';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import {
	addAttendee,
	addCollaborator,
	createEvent,
	createProject,
	createUser,
	createVote
} from '../helpers/factories';

async function refusal(work: Promise<unknown>): Promise<RuleViolation> {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

/** Gives `project` `n` votes from fresh attendees. */
async function votesFor(projectId: string, n: number) {
	for (let i = 0; i < n; i++) await createVote((await createUser()).id, projectId);
}

describe('assignRanks', () => {
	it('gives equal scores the same rank and skips the ranks they take (1, 2, 2, 4)', () => {
		const ranked = assignRanks([
			{ name: 'b', score: 5 },
			{ name: 'a', score: 5 },
			{ name: 'c', score: 9 },
			{ name: 'd', score: 1 },
			{ name: 'e', score: 0 },
			{ name: 'f', score: 0 }
		]);
		expect(ranked.map((r) => [r.name, r.rank])).toEqual([
			['c', 1],
			['a', 2],
			['b', 2],
			['d', 4],
			['e', 5],
			['f', 5]
		]);
	});
});

describe('rankProjects', () => {
	it('scores votes plus imported legacy points, with ties sharing a rank', async () => {
		const event = await createEvent({ phase: 'voting' });
		const alpha = await createProject(event.id, { name: 'Alpha' });
		const beta = await createProject(event.id, { name: 'Beta' });
		const gamma = await createProject(event.id, { name: 'Gamma' });
		const delta = await createProject(event.id, { name: 'Delta' });
		await votesFor(alpha.id, 3);
		await votesFor(beta.id, 1);
		await db.project.update({ where: { id: beta.id }, data: { legacyPoints: 2 } }); // 1 + 2 = 3, ties Alpha
		await db.project.update({ where: { id: delta.id }, data: { legacyPoints: 4 } }); // points only, no votes
		await votesFor(gamma.id, 1);
		const teammate = await createUser({ firstName: 'Tea', lastName: 'Mate' });
		await addCollaborator(gamma.id, teammate.id);

		const ranking = await rankProjects(event.id);
		expect(ranking.map((p) => [p.name, p.rank, p.votes, p.legacyPoints, p.score])).toEqual([
			['Delta', 1, 0, 4, 4],
			['Alpha', 2, 3, 0, 3],
			['Beta', 2, 1, 2, 3],
			['Gamma', 4, 1, 0, 1]
		]);
		expect(ranking[3].team).toEqual([expect.any(String), 'Tea E.']);
		// Legacy points are kept as points: no vote rows are invented for them.
		expect(await db.vote.count({ where: { eventId: event.id } })).toBe(5);
	});

	it('counts the turnout: attendees who have voted, of all attendees', async () => {
		const event = await createEvent({ phase: 'voting' });
		const project = await createProject(event.id); // its owner attends and has not voted
		await votesFor(project.id, 2);
		await addAttendee(event.id, (await createUser()).id);
		expect(await countTurnout(event.id)).toEqual({ voted: 2, attendees: 4 });
	});
});

describe('getLeaderboard', () => {
	async function scene(phase: EventPhase) {
		const event = await createEvent({ phase: 'submission' });
		const project = await createProject(event.id, { name: 'Only' });
		await votesFor(project.id, 1);
		await db.event.update({ where: { id: event.id }, data: { phase } });
		forgetPublicLeaderboard(event.id);
		const attendee = await createUser();
		await addAttendee(event.id, attendee.id);
		return { event, attendee, stranger: await createUser() };
	}

	it.each(PHASES)('in %s: the owner always sees the ranking, with the turnout', async (phase) => {
		const { event } = await scene(phase);
		const board = await getLeaderboard(event.slug, event.ownerId);
		expect(board.ranking.map((p) => [p.name, p.score])).toEqual([['Only', 1]]);
		expect(board.turnout).toEqual({ voted: 1, attendees: 3 });
	});

	it('in closed: everyone sees it, signed in or not, without the turnout', async () => {
		const { event, attendee, stranger } = await scene('closed');
		for (const viewer of [attendee.id, stranger.id, undefined]) {
			const board = await getLeaderboard(event.slug, viewer);
			expect(board.ranking.map((p) => p.name)).toEqual(['Only']);
			expect(board.turnout).toBeUndefined();
		}
	});

	it.each(['submission', 'voting'] as const)(
		'in %s: attendees and strangers are refused (403)',
		async (phase) => {
			const { event, attendee, stranger } = await scene(phase);
			for (const viewer of [attendee.id, stranger.id, undefined]) {
				const refused = await refusal(getLeaderboard(event.slug, viewer));
				expect(refused.status).toBe(403);
				expect(refused.message).toMatch(/published when voting closes/);
			}
		}
	);

	it('in draft: the event does not exist for anyone but the owner (404)', async () => {
		const { event, attendee, stranger } = await scene('draft');
		for (const viewer of [attendee.id, stranger.id, undefined]) {
			expect((await refusal(getLeaderboard(event.slug, viewer))).status).toBe(404);
		}
		expect((await refusal(getLeaderboard('no-such-event', undefined))).status).toBe(404);
	});

	it('hides the results again as soon as the owner reopens voting', async () => {
		const { event, stranger } = await scene('closed');
		await getLeaderboard(event.slug, stranger.id);
		await changeEventPhase(event.ownerId, event.id, 'voting');
		forgetPublicLeaderboard(event.id); // what the live feed does on the change notice
		expect((await refusal(getLeaderboard(event.slug, stranger.id))).status).toBe(403);
	});
});

describe('changeEventPhase', () => {
	it('lets the owner move the event to any phase, forwards and back', async () => {
		const event = await createEvent({ phase: 'draft' });
		for (const [from, to] of [
			['draft', 'submission'],
			['submission', 'voting'],
			['voting', 'closed'],
			['closed', 'voting'],
			['voting', 'draft'],
			['draft', 'closed'],
			['closed', 'closed']
		] as const) {
			expect(await changeEventPhase(event.ownerId, event.id, to)).toEqual({ from, to });
			expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).phase).toBe(to);
		}
	});

	it('refuses anyone but the owner, and changes nothing', async () => {
		const event = await createEvent({ phase: 'submission' });
		const attendee = await createUser();
		await addAttendee(event.id, attendee.id);
		const refused = await refusal(changeEventPhase(attendee.id, event.id, 'closed'));
		expect(refused.status).toBe(403);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).phase).toBe('submission');
		expect((await refusal(changeEventPhase(attendee.id, crypto.randomUUID(), 'closed'))).status).toBe(404);
		expect((await refusal(changeEventPhase(attendee.id, 'not-an-id', 'closed'))).status).toBe(404);
		expect(
			(await refusal(changeEventPhase(event.ownerId, event.id, 'finished' as EventPhase))).message
		).toMatch(/Choose one of the phases/);
	});

	it('says what a change means before the owner confirms it', () => {
		expect(describePhaseChange('submission', 'voting')).toBe(
			'Submissions close (projects and teams are frozen) and attendees can vote.'
		);
		expect(describePhaseChange('voting', 'closed')).toBe(
			'Votes stop being taken; the results become public on the leaderboard.'
		);
		expect(describePhaseChange('submission', 'closed')).toMatch(/^Voting is skipped\./);
		expect(describePhaseChange('closed', 'voting')).toMatch(/^Results are hidden again/);
		expect(describePhaseChange('closed', 'submission')).toMatch(/^Results are hidden again\. Voting stops/);
		expect(describePhaseChange('voting', 'submission')).toMatch(/votes cast so far are kept/);
		expect(describePhaseChange('submission', 'draft')).toMatch(/hidden again from everyone but you/);
		expect(describePhaseChange('voting', 'voting')).toMatch(/Nothing changes/);
	});
});

describe('setResultsRevealed', () => {
	it('reveals and hides the projector ranking: the owner only', async () => {
		const event = await createEvent({ phase: 'voting' });
		const other = await createUser();
		expect((await refusal(setResultsRevealed(other.id, event.id, true))).status).toBe(403);
		await setResultsRevealed(event.ownerId, event.id, true);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).resultsRevealedAt).not.toBeNull();
		await setResultsRevealed(event.ownerId, event.id, false);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).resultsRevealedAt).toBeNull();
	});
});
