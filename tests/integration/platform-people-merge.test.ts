import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/sessions';
import { rankProjects } from '../../src/lib/server/leaderboard';
import { mergePeople, planMerge } from '../../src/lib/server/platform/merge';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';
import { adminActor, auditOf, callRoute, snapshotOf } from '../helpers/platform-people';

// Merging a duplicate account (D) into the account kept (K), with every awkward case at once.

/** An event with `n` projects by other people (4 projects: 2 votes each; under 4: 1). */
async function eventWith(n: number, phase: 'voting' | 'closed' = 'voting') {
	const event = await make.createEvent({ name: `Merge Jam ${randomUUID().slice(0, 5)}`, phase });
	const projects = [];
	for (let i = 0; i < n; i++) projects.push(await make.createProject(event.id, { name: `P${i + 1}` }));
	return { event, projects };
}

async function awkwardScene() {
	const D = await make.createUser({
		firstName: 'Dup',
		email: `dup-${randomUUID().slice(0, 6)}@example.test`
	});
	const K = await make.createUser({
		firstName: 'Kept',
		email: `kept-${randomUUID().slice(0, 6)}@example.test`
	});

	// Shared (closed): both attend (D joined first, K saved a ballot later), both voted for P1, D voted for
	// K's project and is a teammate on it, and both are on P4's team.
	const shared = await eventWith(4, 'closed');
	const [p1, , , p4] = shared.projects;
	const keptProject = await make.createProject(shared.event.id, { ownerId: K.id, name: 'Kept Thing' });
	await make.addAttendee(shared.event.id, D.id);
	await db.eventAttendee.update({
		where: { eventId_userId: { eventId: shared.event.id, userId: D.id } },
		data: { joinedAt: new Date('2026-01-01T09:00:00Z'), ballotSavedAt: new Date('2026-01-02T09:00:00Z') }
	});
	await db.eventAttendee.update({
		where: { eventId_userId: { eventId: shared.event.id, userId: K.id } },
		data: { joinedAt: new Date('2026-01-01T10:00:00Z'), ballotSavedAt: new Date('2026-01-03T09:00:00Z') }
	});
	// Votes go in before the team places that would make them self-votes (the database refuses those).
	const dupForKept = await make.createVote(D.id, keptProject.id);
	const dupSame = await make.createVote(D.id, p1.id);
	const keptSame = await make.createVote(K.id, p1.id);
	await make.addCollaborator(keptProject.id, D.id);
	await make.addCollaborator(p4.id, D.id);
	await make.addCollaborator(p4.id, K.id);

	// Over the limit: both attend an event with 4 projects (2 votes each); K voted once, D twice for others.
	const crowded = await eventWith(4);
	const [c1, c2, c3] = crowded.projects;
	const keptCrowded = await make.createVote(K.id, c1.id);
	const dupCrowded = [await make.createVote(D.id, c2.id), await make.createVote(D.id, c3.id)];

	// D alone: an event only D attends, with D's project, D's vote and D's referral answer; an event D owns.
	const own = await eventWith(3);
	const dupProject = await make.createProject(own.event.id, { ownerId: D.id, name: 'Dup Gadget' });
	const dupOwnVote = await make.createVote(D.id, own.projects[0].id);
	await db.referral.create({ data: { content: 'Friends', userId: D.id, eventId: own.event.id } });
	// Both answered the referral question of the shared event.
	await db.referral.create({
		data: { content: 'Dup heard on radio', userId: D.id, eventId: shared.event.id }
	});
	await db.referral.create({
		data: { content: 'Kept saw a poster', userId: K.id, eventId: shared.event.id }
	});
	const dupEvents = [
		await make.createEvent({ ownerId: D.id, name: 'Dup Summit' }),
		await make.createEvent({ ownerId: D.id, name: 'Dup Old Fair' })
	];
	await db.event.update({ where: { id: dupEvents[1].id }, data: { deletedAt: new Date() } });
	const { token: dupToken } = await createSession(D.id);
	const { token: keptToken } = await createSession(K.id);
	return {
		D,
		K,
		shared,
		keptProject,
		crowded,
		own,
		dupProject,
		dupEvents,
		votes: { dupForKept, dupSame, keptSame, keptCrowded, dupCrowded, dupOwnVote },
		dupToken,
		keptToken
	};
}

describe('merging a duplicate account', () => {
	it('shows the effect first, then moves everything, resolving every conflict, in one audited change', async () => {
		const s = await awkwardScene();
		const { actor } = await adminActor();
		const rankingBefore = await rankProjects(s.shared.event.id);
		const plan = await planMerge(s.D.id, `  ${s.K.email.toUpperCase()} `);
		expect(plan.kept.id).toBe(s.K.id);
		const { effect } = plan;
		expect(effect.blockers).toEqual([]);
		expect(effect.counts).toMatchObject({
			attendancesMoved: 1, // D's own event
			attendancesCombined: 2, // the shared and the crowded events
			projectsMoved: 1,
			teamsMoved: 0,
			teamsDropped: 2, // on K's project; on the team both are on
			votesMoved: 1,
			votesDropped: 4,
			referralsMoved: 1,
			referralsDropped: 1,
			eventsMoved: 2,
			sessionsEnded: 1
		});
		expect(effect.votes.ownProject.map((v) => v.id)).toEqual([s.votes.dupForKept.id]);
		expect(effect.votes.sameProject.map((v) => v.id)).toEqual([s.votes.dupSame.id]);
		expect(effect.votes.overLimit.map((v) => v.id).sort()).toEqual(
			s.votes.dupCrowded.map((v) => v.id).sort()
		);
		// Only the shared event is closed: its published result changes, and the page says how.
		expect(effect.publishedChanges).toEqual([
			{
				eventId: s.shared.event.id,
				eventName: s.shared.event.name,
				projects: expect.arrayContaining([
					{ projectId: s.keptProject.id, projectName: 'Kept Thing', votesLost: 1 },
					{ projectId: s.shared.projects[0].id, projectName: 'P1', votesLost: 1 }
				])
			}
		]);

		const result = await mergePeople(actor, s.D.id, s.K.email, plan.fingerprint);
		expect(result.kept).toEqual({ id: s.K.id, email: s.K.email });

		// Attendance: one per event, earliest join and latest ballot.
		const shared = await db.eventAttendee.findMany({
			where: { eventId: s.shared.event.id, userId: { in: [s.D.id, s.K.id] } }
		});
		expect(shared).toEqual([
			expect.objectContaining({
				userId: s.K.id,
				joinedAt: new Date('2026-01-01T09:00:00Z'),
				ballotSavedAt: new Date('2026-01-03T09:00:00Z')
			})
		]);
		expect(await db.eventAttendee.count({ where: { userId: s.K.id } })).toBe(3);
		expect(await db.eventAttendee.count({ where: { userId: s.D.id } })).toBe(0);
		// Projects, teams, events, referrals.
		expect((await db.project.findUniqueOrThrow({ where: { id: s.dupProject.id } })).ownerId).toBe(s.K.id);
		expect(
			await db.projectCollaborator.findMany({
				where: { userId: { in: [s.D.id, s.K.id] } },
				select: { projectId: true, userId: true }
			})
		).toEqual([{ projectId: s.shared.projects[3].id, userId: s.K.id }]);
		expect(
			(await db.event.findMany({ where: { ownerId: s.K.id }, select: { id: true } })).map((e) => e.id).sort()
		).toEqual(s.dupEvents.map((e) => e.id).sort());
		expect(
			(await db.referral.findMany({ where: { userId: s.K.id }, select: { content: true } }))
				.map((r) => r.content)
				.sort()
		).toEqual(['Friends', 'Kept saw a poster']);
		// Votes: K keeps its own; D's vote in its own event moved; the dropped ones are gone.
		const keptVotes = await db.vote.findMany({ where: { voterId: s.K.id }, select: { id: true } });
		expect(keptVotes.map((v) => v.id).sort()).toEqual(
			[s.votes.keptSame.id, s.votes.keptCrowded.id, s.votes.dupOwnVote.id].sort()
		);
		expect(await db.vote.count({ where: { voterId: s.D.id } })).toBe(0);
		// The published result changed exactly as the confirmation said.
		const after = await rankProjects(s.shared.event.id);
		const votesOf = (rows: typeof after, id: string) => rows.find((r) => r.id === id)!.votes;
		expect(votesOf(after, s.keptProject.id)).toBe(votesOf(rankingBefore, s.keptProject.id) - 1);
		expect(votesOf(after, s.shared.projects[0].id)).toBe(votesOf(rankingBefore, s.shared.projects[0].id) - 1);

		// The duplicate is deleted and signed out; the kept account stays signed in.
		const dup = await db.user.findUniqueOrThrow({ where: { id: s.D.id } });
		expect(dup).toMatchObject({
			email: `deleted-${s.D.id}@deleted.invalid`,
			displayName: 'Deleted person',
			phone: null
		});
		expect(dup.deletedAt).not.toBeNull();
		expect((await validateSessionToken(s.dupToken)).user).toBeNull();
		expect((await validateSessionToken(s.keptToken)).user?.id).toBe(s.K.id);

		const [audit] = await auditOf(s.K.id);
		expect(audit).toMatchObject({
			action: 'people_merged',
			actorId: actor.id,
			details: {
				duplicateUserId: s.D.id,
				duplicateEmail: s.D.email,
				keptUserId: s.K.id,
				sessionsEnded: 1,
				counts: { votesDropped: 4, eventsMoved: 2 }
			}
		});
		expect(audit.summary).toContain(`Merged ${s.D.email} into ${s.K.email}`);
	});

	it('is refused when both own a project in one event, saying so, with nothing changed', async () => {
		const { event } = await eventWith(3);
		const D = await make.createUser();
		const K = await make.createUser();
		await make.createProject(event.id, { ownerId: D.id, name: 'Mine' });
		await make.createProject(event.id, { ownerId: K.id, name: 'Yours' });
		const { actor } = await adminActor();
		const plan = await planMerge(D.id, K.email);
		expect(plan.effect.blockers).toEqual([
			expect.stringContaining(`Both accounts own a project in ${event.name} ("Mine" and "Yours")`)
		]);
		const before = await snapshotOf(D.id, K.id);
		await expect(mergePeople(actor, D.id, K.email, plan.fingerprint)).rejects.toThrow(
			/a person owns at most one project per event/
		);
		expect(await snapshotOf(D.id, K.id)).toEqual(before);
	});

	it('refuses merging into oneself, an unknown address or a deleted person, and merging away one’s own account', async () => {
		const D = await make.createUser();
		const gone = await make.createUser();
		await db.user.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
		const { actor, admin } = await adminActor();
		const before = await snapshotOf(D.id, gone.id);
		await expect(planMerge(D.id, D.email)).rejects.toThrow(/That is this account/);
		await expect(planMerge(D.id, 'nobody-here@example.test')).rejects.toThrow(
			/No account has the address nobody-here@example.test/
		);
		await expect(planMerge(D.id, gone.email)).rejects.toThrow(/belongs to a deleted person/);
		await expect(planMerge(gone.id, D.email)).rejects.toThrow(/has been deleted: there is nothing to merge/);
		for (const keepEmail of [D.email, 'nobody-here@example.test', gone.email]) {
			const refused = await callRoute('people/[id]', 'merge', {
				id: D.id,
				as: admin,
				body: { keepEmail, fingerprint: 'A'.repeat(22) }
			});
			expect(refused, keepEmail).toMatchObject({
				failure: expect.any(Number),
				data: { message: expect.any(String) }
			});
		}
		// The confirmation page says so too, instead of failing.
		const page = await callRoute('people/[id]', 'load', {
			id: D.id,
			as: admin,
			query: `?merge=${gone.email}`
		});
		expect(page).toMatchObject({ merge: { refusal: expect.stringMatching(/deleted person/) } });
		expect(await snapshotOf(D.id, gone.id)).toEqual(before);

		const K = await make.createUser();
		const mine = await planMerge(admin.id, K.email);
		await expect(mergePeople(actor, admin.id, K.email, mine.fingerprint)).rejects.toThrow(RuleViolation);
	});

	it('refuses a stale confirmation: the data changed since the effect was shown', async () => {
		const { event, projects } = await eventWith(4);
		const D = await make.createUser();
		const K = await make.createUser();
		await make.createVote(D.id, projects[0].id);
		const { admin } = await adminActor();
		const plan = await planMerge(D.id, K.email);
		// K votes for the same project after the admin looked: the effect shown is no longer the effect.
		await make.createVote(K.id, projects[0].id);
		const before = await snapshotOf(D.id, K.id);
		const stale = await callRoute('people/[id]', 'merge', {
			id: D.id,
			as: admin,
			body: { keepEmail: K.email, fingerprint: plan.fingerprint }
		});
		expect(stale).toMatchObject({
			failure: 409,
			data: { message: expect.stringMatching(/changed since you opened/) }
		});
		expect(await snapshotOf(D.id, K.id)).toEqual(before);
		expect(event.id).toBeTruthy();

		// With a fresh look it goes through, and the route goes to the kept account's page.
		const fresh = await planMerge(D.id, K.email);
		const done = await callRoute('people/[id]', 'merge', {
			id: D.id,
			as: admin,
			body: { keepEmail: K.email, fingerprint: fresh.fingerprint }
		});
		expect(done).toEqual({ redirect: `/admin/people/${K.id}?merged=${encodeURIComponent(D.email)}` });
		expect(await db.vote.count({ where: { voterId: K.id } })).toBe(1);
	});
});
