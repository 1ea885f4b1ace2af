import { describe, expect, it } from 'vitest';
import type { EventPhase } from '../../src/lib/server/generated/prisma/client';
import { RuleViolation } from '../../src/lib/server/rules';
import { castBallot, castBallotAt, getBallot, voteLimitFor } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, addCollaborator, createEvent, createProject, createUser } from '../helpers/factories';

/** An event in `phase` with `count` projects (each by its own owner) and one attendee who owns none. */
async function scene(count: number, phase: EventPhase = 'voting') {
	const event = await createEvent({ phase: 'submission' });
	const projects = [];
	for (let i = 0; i < count; i++) projects.push(await createProject(event.id, { name: `Project ${i + 1}` }));
	await db.event.update({ where: { id: event.id }, data: { phase } });
	const voter = await createUser();
	await addAttendee(event.id, voter.id);
	return { event, projects, voter, ids: projects.map((p) => p.id) };
}

const picksOf = async (voterId: string, eventId: string) =>
	(await db.vote.findMany({ where: { voterId, eventId }, select: { projectId: true } }))
		.map((v) => v.projectId)
		.sort();

/** The RuleViolation a promise is refused with. */
async function refusal(work: Promise<unknown>): Promise<RuleViolation> {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

describe('voteLimitFor', () => {
	it('gives 1 vote below 4 projects, 2 from 4 to 19, 3 from 20', () => {
		expect([0, 1, 3].map(voteLimitFor)).toEqual([1, 1, 1]);
		expect([4, 10, 19].map(voteLimitFor)).toEqual([2, 2, 2]);
		expect([20, 60, 500].map(voteLimitFor)).toEqual([3, 3, 3]);
	});
});

describe('getBallot', () => {
	it("lists every project but the voter's own and their team's, shuffled per voter and stable", async () => {
		const { event, projects, voter } = await scene(12);
		const own = await createProject(event.id, { ownerId: voter.id, name: 'Mine' });
		await addCollaborator(projects[0].id, voter.id);

		const ballot = await getBallot(voter.id, event.id);
		const listed = ballot.projects.map((p) => p.id);
		expect(listed.sort()).toEqual(
			projects
				.slice(1)
				.map((p) => p.id)
				.sort()
		);
		expect(listed).not.toContain(own.id);
		expect(ballot.limit).toBe(2); // 13 projects in the event, the voter's own included
		expect(ballot.picks).toEqual([]);

		const again = await getBallot(voter.id, event.id);
		expect(again.projects.map((p) => p.id)).toEqual(ballot.projects.map((p) => p.id));
		const other = await createUser();
		await addAttendee(event.id, other.id);
		const theirs = await getBallot(other.id, event.id);
		expect(theirs.projects.map((p) => p.id)).not.toEqual(
			ballot.projects.filter((p) => p.id !== projects[0].id).map((p) => p.id)
		);
	});

	it('shows each project with its links and team, and the picks already made', async () => {
		const { event, voter, ids } = await scene(5);
		await castBallot(voter.id, event.id, [ids[2]]);
		const ballot = await getBallot(voter.id, event.id);
		expect(ballot.picks).toEqual([ids[2]]);
		expect(ballot.projects[0]).toMatchObject({
			description: 'Built at the test hackathon.',
			repoUrl: 'https://example.test/repo',
			demoUrl: 'https://example.test/demo',
			team: [expect.stringMatching(/ E\.$/)]
		});
	});

	it('is refused to someone who does not attend, and outside voting', async () => {
		const { event } = await scene(3);
		const stranger = await createUser();
		expect((await refusal(getBallot(stranger.id, event.id))).status).toBe(403);
		for (const phase of ['draft', 'submission', 'closed'] as const) {
			const other = await scene(3, phase);
			const refused = await refusal(getBallot(other.voter.id, other.event.id));
			expect(refused.status).toBe(409);
			expect(refused.message).toMatch(phase === 'closed' ? /Voting has closed/ : /not opened yet/);
		}
	});
});

describe('a large ballot in pages', () => {
	it('shows 48 projects a page, records only the pages seen, and opens them in turn', async () => {
		const { event, voter, ids } = await scene(100);
		const impressions = () => db.ballotImpression.count({ where: { eventId: event.id, voterId: voter.id } });

		const first = await getBallot(voter.id, event.id);
		expect(first.pages).toEqual({ page: 1, count: 3 });
		expect(first.projects).toHaveLength(48);
		expect(await impressions()).toBe(48);
		// A page past the ones seen opens the next one: what was shown stays the start of the order.
		const jumped = await getBallot(voter.id, event.id, { page: 3 });
		expect(jumped.pages).toEqual({ page: 2, count: 3 });
		expect(await impressions()).toBe(96);
		const last = await getBallot(voter.id, event.id, { page: 3 });
		expect(last.projects).toHaveLength(4);
		expect(await impressions()).toBe(100);

		const seen = [first, jumped, last].flatMap((b) => b.projects.map((p) => p.id));
		expect(new Set(seen).size).toBe(100);
		expect([...seen].sort()).toEqual([...ids].sort());
		// The same pages on every visit.
		const again = await getBallot(voter.id, event.id, { page: 2 });
		expect(again.projects.map((p) => p.id)).toEqual(jumped.projects.map((p) => p.id));
	});

	it('ticks the picks carried from another page, and names every pick not on this page', async () => {
		const { event, voter } = await scene(100);
		const other = await scene(3);
		const first = await getBallot(voter.id, event.id);
		const [a, b] = first.projects.map((p) => p.id);
		await castBallot(voter.id, event.id, [a]);

		// The pick on record, seen from page 2: listed by name there, still ticked.
		const second = await getBallot(voter.id, event.id, { page: 2 });
		expect(second.picks).toEqual([a]);
		expect(second.shown).toEqual([a]);
		expect(second.elsewhere).toEqual([{ id: a, name: first.projects[0].name }]);

		// Ticks carried from page 1 (not sent yet) replace it; ids of other events or nonsense are dropped.
		const carried = await getBallot(voter.id, event.id, {
			page: 2,
			carried: [b, b, other.ids[0], 'not-a-project']
		});
		expect(carried.shown).toEqual([b]);
		expect(carried.elsewhere).toEqual([{ id: b, name: first.projects[1].name }]);
		expect(carried.picks).toEqual([a]);
		// Nothing carried (every tick removed) is a choice too.
		expect((await getBallot(voter.id, event.id, { page: 2, carried: [] })).elsewhere).toEqual([]);
		// A pick on the page shown is ticked in place, not listed again.
		const back = await getBallot(voter.id, event.id, { page: 1, carried: [a, b] });
		expect(back.elsewhere).toEqual([]);
		expect(back.shown).toEqual([a, b]);
	});
});

describe('castBallot', () => {
	it('records the picks, one vote per project, in the right event', async () => {
		const { event, voter, ids } = await scene(20);
		expect(await castBallot(voter.id, event.id, ids.slice(0, 3))).toMatchObject({
			outcome: 'recorded',
			picks: ids.slice(0, 3),
			limit: 3
		});
		expect(await picksOf(voter.id, event.id)).toEqual(ids.slice(0, 3).sort());
		expect(await db.vote.count({ where: { eventId: event.id } })).toBe(3);
	});

	it.each([
		[3, 1],
		[4, 2],
		[19, 2],
		[20, 3]
	])('with %i projects allows %i picks and refuses one more', async (count, limit) => {
		const { event, voter, ids } = await scene(count);
		const over = await refusal(castBallot(voter.id, event.id, ids.slice(0, limit + 1)));
		expect(over.message).toBe(
			`You can pick at most ${limit} ${limit === 1 ? 'project' : 'projects'} in this event; you picked ${limit + 1}.`
		);
		expect(await picksOf(voter.id, event.id)).toEqual([]);
		await castBallot(voter.id, event.id, ids.slice(0, limit));
		expect(await picksOf(voter.id, event.id)).toEqual(ids.slice(0, limit).sort());
	});

	it('lets a voter change their picks: the new ballot replaces the old one', async () => {
		const { event, voter, ids } = await scene(20);
		await castBallot(voter.id, event.id, [ids[0], ids[1], ids[2]]);
		const kept = await db.vote.findUniqueOrThrow({
			where: { voterId_projectId: { voterId: voter.id, projectId: ids[1] } }
		});
		await castBallot(voter.id, event.id, [ids[1], ids[5]]);
		expect(await picksOf(voter.id, event.id)).toEqual([ids[1], ids[5]].sort());
		const still = await db.vote.findUniqueOrThrow({
			where: { voterId_projectId: { voterId: voter.id, projectId: ids[1] } }
		});
		expect(still.id).toBe(kept.id); // an unchanged pick stays as it was
		await castBallot(voter.id, event.id, [ids[7], ids[8], ids[9]]);
		expect(await picksOf(voter.id, event.id)).toEqual([ids[7], ids[8], ids[9]].sort());
	});

	it('casting the same ballot again (a retry) changes nothing', async () => {
		const { event, voter, ids } = await scene(20);
		await castBallot(voter.id, event.id, ids.slice(0, 3));
		const before = await db.vote.findMany({ where: { voterId: voter.id }, orderBy: { id: 'asc' } });
		await castBallot(voter.id, event.id, ids.slice(0, 3));
		await castBallot(voter.id, event.id, [ids[2], ids[0], ids[1]]);
		expect(await db.vote.findMany({ where: { voterId: voter.id }, orderBy: { id: 'asc' } })).toEqual(before);
	});

	describe('refuses, recording nothing and keeping the earlier ballot,', () => {
		async function expectRefused(
			setup: (s: Awaited<ReturnType<typeof scene>>) => Promise<{ voterId?: string; picks: string[] }>,
			message: RegExp,
			status = 400
		) {
			const s = await scene(20);
			await castBallot(s.voter.id, s.event.id, [s.ids[10]]);
			const before = await db.vote.findMany({ orderBy: { id: 'asc' } });
			const { voterId = s.voter.id, picks } = await setup(s);
			const refused = await refusal(castBallot(voterId, s.event.id, picks));
			expect(refused.message).toMatch(message);
			expect(refused.status).toBe(status);
			expect(await db.vote.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
		}

		it('a voter who does not attend the event', () =>
			expectRefused(
				async (s) => ({ voterId: (await createUser()).id, picks: [s.ids[0]] }),
				/Only attendees of this event can vote/,
				403
			));

		it('the owner of the event, who is not an attendee', () =>
			expectRefused(async (s) => ({ voterId: s.event.ownerId, picks: [s.ids[0]] }), /Only attendees/, 403));

		it('a pick from another event', () =>
			expectRefused(async (s) => {
				const elsewhere = await createProject((await createEvent({ phase: 'voting' })).id);
				return { picks: [s.ids[0], elsewhere.id] };
			}, /not a project of this event/));

		it('a pick that is no project at all', () =>
			expectRefused(
				async (s) => ({ picks: [s.ids[0], crypto.randomUUID()] }),
				/not a project of this event/
			));

		it('a pick that is not even an id', () =>
			expectRefused(async (s) => ({ picks: [s.ids[0], "x'; DROP TABLE votes; --"] }), /not a project/));

		it("the voter's own project", () =>
			expectRefused(async (s) => {
				const own = await createProject(s.event.id, { ownerId: s.voter.id });
				return { picks: [s.ids[0], own.id] };
			}, /your own project or your team's/));

		it("a project of the voter's team", () =>
			expectRefused(async (s) => {
				await addCollaborator(s.ids[3], s.voter.id);
				return { picks: [s.ids[3]] };
			}, /your own project or your team's/));

		it('too many picks', () =>
			expectRefused(
				async (s) => ({ picks: s.ids.slice(0, 4) }),
				/at most 3 projects in this event; you picked 4/
			));

		it('no pick at all', () => expectRefused(async () => ({ picks: [] }), /Pick at least one project/));

		it('the same project twice', () =>
			expectRefused(async (s) => ({ picks: [s.ids[0], s.ids[0]] }), /same project more than once/));

		it.each(['draft', 'submission', 'closed'] as const)('a ballot while the event is in %s', (phase) =>
			expectRefused(
				async (s) => {
					await db.event.update({ where: { id: s.event.id }, data: { phase } });
					return { picks: [s.ids[0]] };
				},
				phase === 'closed' ? /Voting has closed/ : /Voting has not opened yet/,
				409
			)
		);
	});

	it('holds the limit and one vote per project when one voter sends 50 ballots at once', async () => {
		const { event, voter, ids } = await scene(20);
		// Different ballots, some of them too long: whatever order they run in, the outcome is one of the
		// accepted ballots, never a mix of several, never more than 3 votes.
		const ballots = Array.from({ length: 50 }, (_, i) =>
			Array.from({ length: (i % 4) + 1 }, (_, k) => ids[(i * 3 + k * 7) % ids.length])
		);
		const results = await Promise.allSettled(ballots.map((b) => castBallot(voter.id, event.id, b)));
		const accepted = ballots.filter((_, i) => results[i].status === 'fulfilled');
		const refused = results.filter((r) => r.status === 'rejected');
		expect(accepted.length).toBe(ballots.filter((b) => b.length <= 3).length);
		for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RuleViolation);

		const final = await picksOf(voter.id, event.id);
		expect(final.length).toBeGreaterThan(0);
		expect(final.length).toBeLessThanOrEqual(3);
		expect(accepted.map((b) => [...b].sort().join())).toContain(final.join());
	});

	it('holds when 50 identical ballots (retries) arrive at once', async () => {
		const { event, voter, ids } = await scene(20);
		const ballot = [ids[4], ids[5], ids[6]];
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, () => castBallot(voter.id, event.id, ballot))
		);
		expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
		expect(await picksOf(voter.id, event.id)).toEqual([...ballot].sort());
	});
});

describe("castBallotAt (the form, by the event's slug)", () => {
	it('records the same ballot as castBallot', async () => {
		const { event, voter, ids } = await scene(4);
		await castBallotAt(voter.id, event.slug, [ids[0], ids[1]]);
		expect(await picksOf(voter.id, event.id)).toEqual([ids[0], ids[1]].sort());
	});

	it('does not tell a stranger that a draft event exists, nor an unknown slug', async () => {
		const { event, ids } = await scene(4, 'draft');
		const stranger = await createUser();
		expect((await refusal(castBallotAt(stranger.id, event.slug, [ids[0]]))).status).toBe(404);
		expect((await refusal(castBallotAt(stranger.id, 'no-such-event', [ids[0]]))).status).toBe(404);
		const open = await scene(4);
		expect((await refusal(castBallotAt(stranger.id, open.event.slug, [open.ids[0]]))).status).toBe(403);
	});
});

describe('the database itself', () => {
	it('refuses a vote past the limit, for the own project or from a non-attendee, even bypassing castBallot', async () => {
		const { event, voter, ids } = await scene(4);
		const vote = (voterId: string, projectId: string) =>
			db.vote.create({ data: { voterId, projectId, eventId: event.id } });
		await vote(voter.id, ids[0]);
		await vote(voter.id, ids[1]);
		await expect(vote(voter.id, ids[2])).rejects.toThrow(/at most 2 votes/);
		await expect(vote((await createUser()).id, ids[0])).rejects.toThrow(/only attendees/);
		const owner = await db.project.findUniqueOrThrow({ where: { id: ids[3] } });
		await expect(vote(owner.ownerId, ids[3])).rejects.toThrow(/own or their team/);
		expect(await db.vote.count({ where: { eventId: event.id } })).toBe(2);
	});

	it('still takes imported votes as the old system had them (self-votes, more than the limit)', async () => {
		const { event, ids } = await scene(4);
		const owner = await db.project.findUniqueOrThrow({ where: { id: ids[0] } });
		const outsider = await createUser();
		await db.vote.createMany({
			data: [
				...ids.map((projectId, i) => ({
					voterId: owner.ownerId,
					projectId,
					eventId: event.id,
					airtableId: `recV${i}`
				})),
				{ voterId: outsider.id, projectId: ids[1], eventId: event.id, airtableId: 'recOut' }
			]
		});
		expect(await db.vote.count({ where: { eventId: event.id } })).toBe(5);
	});
});
