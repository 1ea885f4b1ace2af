import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { describeAttendeeRemoval } from '../../src/lib/server/admin/attendees';
import {
	addAttendeeByAdmin,
	addTeammateByAdmin,
	describeRemovalByAdmin,
	removeAttendeeByAdmin,
	removeTeammateByAdmin
} from '../../src/lib/server/platform/fixes';
import {
	describeBallot,
	describeLegacyPoints,
	setLegacyPointsByAdmin,
	voidBallotByAdmin
} from '../../src/lib/server/platform/fixes-scores';
import { RuleViolation } from '../../src/lib/server/rules';
import { actions, load } from '../../src/routes/admin/fixes/+page.server';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

/** Every row a fix could touch, to prove that a refused one changed nothing. */
async function snapshot() {
	const [attendees, projects, collaborators, votes, devices, platformAudit, eventAudit] = await Promise.all([
		db.eventAttendee.findMany({ orderBy: [{ eventId: 'asc' }, { userId: 'asc' }] }),
		db.project.findMany({ orderBy: { id: 'asc' } }),
		db.projectCollaborator.findMany({ orderBy: [{ projectId: 'asc' }, { userId: 'asc' }] }),
		db.vote.findMany({ orderBy: { id: 'asc' } }),
		db.ballotDevice.findMany({ orderBy: [{ eventId: 'asc' }, { voterId: 'asc' }, { deviceId: 'asc' }] }),
		db.platformAuditLog.count(),
		db.eventAuditLog.count()
	]);
	return { attendees, projects, collaborators, votes, devices, platformAudit, eventAudit };
}

/** Expects `work` to be refused with a message matching `message`, and nothing to have changed. */
async function expectRefused(work: () => Promise<unknown>, message: RegExp) {
	const before = await snapshot();
	const error = await work().then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error, 'refused').toBeInstanceOf(RuleViolation);
	expect((error as RuleViolation).message).toMatch(message);
	expect(await snapshot()).toEqual(before);
}

async function lastAudit() {
	return db.platformAuditLog.findFirstOrThrow({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

let scenes = 0;
/** An event in voting with a team project, three other projects and votes, and a platform admin. */
async function scene(phase: 'voting' | 'closed' = 'voting') {
	const n = ++scenes;
	const event = await make.createEvent({ name: `Fixathon ${n}`, phase });
	const ada = await make.createUser({ firstName: 'Ada', email: `ada-${n}@example.test` });
	const project = await make.createProject(event.id, { ownerId: ada.id, name: `Ada's bot ${n}` });
	const bo = await make.createUser({ firstName: 'Bo', email: `bo-${n}@example.test` });
	await make.addAttendee(event.id, bo.id);
	await make.addCollaborator(project.id, bo.id);
	const others = await Promise.all(
		[1, 2, 3].map((i) => make.createProject(event.id, { name: `Other ${n}.${i}` }))
	);
	await make.createVote(ada.id, others[0].id);
	await make.createVote(ada.id, others[1].id);
	await db.eventAttendee.update({
		where: { eventId_userId: { eventId: event.id, userId: ada.id } },
		data: { ballotSavedAt: new Date('2026-11-20T10:00:00Z') }
	});
	await db.ballotDevice.create({
		data: {
			eventId: event.id,
			voterId: ada.id,
			deviceId: crypto.randomUUID(),
			lastSeq: 3n,
			lastKey: crypto.randomUUID()
		}
	});
	await make.createVote(others[2].ownerId, project.id);
	const stranger = await make.createUser({ firstName: 'Cy', email: `cy-${n}@example.test` });
	const adminUser = await make.createUser({ firstName: 'Root', email: `root-${n}@example.test` });
	await db.user.update({ where: { id: adminUser.id }, data: { platformAdminSince: new Date() } });
	const admin = { id: adminUser.id, displayName: adminUser.displayName, email: adminUser.email };
	return { event, ada, bo, project, others, stranger, admin };
}

describe('adding an attendee', () => {
	it('adds the person found by email to the event found by slug or join code, with its audit row', async () => {
		const s = await scene();
		const added = await addAttendeeByAdmin(s.admin, {
			event: s.event.joinCode.toLowerCase(),
			email: `  ${s.stranger.email.toUpperCase()} `,
			reason: 'Registered on paper'
		});
		expect(added.event.id).toBe(s.event.id);
		expect(await db.eventAttendee.count({ where: { eventId: s.event.id, userId: s.stranger.id } })).toBe(1);
		const audit = await lastAudit();
		expect(audit).toMatchObject({
			actorId: s.admin.id,
			actorName: `${s.admin.displayName} <${s.admin.email}>`,
			action: 'attendee_added',
			reason: 'Registered on paper',
			targetUserId: s.stranger.id,
			targetEventId: s.event.id
		});
		expect(audit.summary).toContain(s.stranger.email);
	});

	it('refuses an unknown email or event, a person already attending and a deleted event, changing nothing', async () => {
		const s = await scene();
		const add = (event: string, email: string) => () =>
			addAttendeeByAdmin(s.admin, { event, email, reason: 'because' });
		await expectRefused(add(s.event.slug, 'nobody@example.test'), /Nobody has the email address nobody@/);
		await expectRefused(
			add('no-such-event', s.stranger.email),
			/No event has the slug or join code "no-such-event"/
		);
		await expectRefused(add(s.event.slug, s.bo.email), /already attends/);
		await db.event.update({ where: { id: s.event.id }, data: { deletedAt: new Date() } });
		await expectRefused(add(s.event.slug, s.stranger.email), /is deleted: restore it first/);
	});
});

describe('removing an attendee', () => {
	it('shows what goes, as the owner page does, and removes with the chosen options and its audit row', async () => {
		const s = await scene();
		const review = await describeRemovalByAdmin(s.event.slug, s.ada.email);
		expect(review).toMatchObject({ projects: 1, teams: 0, votes: 2 });
		// The same rules as the owner's removal: the same numbers.
		expect(await describeAttendeeRemoval(s.event.id, s.ada.id)).toMatchObject({
			projects: 1,
			teams: 0,
			votes: 2
		});

		const { removed } = await removeAttendeeByAdmin(s.admin, {
			eventId: s.event.id,
			userId: s.ada.id,
			removeProjects: true,
			removeVotes: true,
			seen: { projects: 1, teams: 0, votes: 2 },
			reason: 'Duplicate account'
		});
		expect(removed).toEqual({ projects: 1, votesOnProjects: 1, teams: 0, votes: 2 });
		expect(await db.eventAttendee.count({ where: { eventId: s.event.id, userId: s.ada.id } })).toBe(0);
		expect(await db.project.count({ where: { id: s.project.id } })).toBe(0);
		expect(await db.vote.count({ where: { voterId: s.ada.id } })).toBe(0);
		expect(await db.ballotDevice.count({ where: { voterId: s.ada.id } })).toBe(0);
		const audit = await lastAudit();
		expect(audit).toMatchObject({
			action: 'attendee_removed',
			reason: 'Duplicate account',
			targetUserId: s.ada.id
		});
		expect(audit.details).toMatchObject({
			removeProjects: true,
			removeVotes: true,
			removed: { projects: 1, votes: 2 }
		});
	});

	it('keeps projects and votes unless asked', async () => {
		const s = await scene();
		await removeAttendeeByAdmin(s.admin, {
			eventId: s.event.id,
			userId: s.bo.id,
			removeProjects: false,
			removeVotes: false,
			seen: { projects: 0, teams: 1, votes: 0 },
			reason: 'Left early'
		});
		expect(await db.eventAttendee.count({ where: { eventId: s.event.id, userId: s.bo.id } })).toBe(0);
		expect(await db.projectCollaborator.count({ where: { userId: s.bo.id } })).toBe(1);
	});

	it('refuses a stale confirmation and a person who does not attend, changing nothing', async () => {
		const s = await scene();
		const remove = (userId: string, votes: number) => () =>
			removeAttendeeByAdmin(s.admin, {
				eventId: s.event.id,
				userId,
				removeProjects: false,
				removeVotes: true,
				seen: { projects: 1, teams: 0, votes },
				reason: 'Duplicate account'
			});
		// The look-up showed one vote; Ada has two now.
		await expectRefused(remove(s.ada.id, 1), /Someone changed this since you looked/);
		await expectRefused(remove(s.stranger.id, 0), /does not attend/);
		await expect(describeRemovalByAdmin(s.event.slug, s.stranger.email)).rejects.toThrow(/does not attend/);
	});
});

describe('teammates', () => {
	it('adds an attendee to a team by join code and removes them by project id, each with its audit row', async () => {
		const s = await scene();
		await make.addAttendee(s.event.id, s.stranger.id);
		await addTeammateByAdmin(s.admin, {
			project: s.project.joinCode.toLowerCase(),
			email: s.stranger.email,
			reason: 'Forgot to join'
		});
		expect(
			await db.projectCollaborator.count({ where: { projectId: s.project.id, userId: s.stranger.id } })
		).toBe(1);
		expect(await lastAudit()).toMatchObject({
			action: 'teammate_added',
			targetUserId: s.stranger.id,
			reason: 'Forgot to join'
		});

		await removeTeammateByAdmin(s.admin, {
			project: s.project.id,
			email: s.stranger.email,
			reason: 'Wrong team'
		});
		expect(
			await db.projectCollaborator.count({ where: { projectId: s.project.id, userId: s.stranger.id } })
		).toBe(0);
		const audit = await lastAudit();
		expect(audit).toMatchObject({
			action: 'teammate_removed',
			reason: 'Wrong team',
			targetEventId: s.event.id
		});
		expect(audit.details).toMatchObject({ projectId: s.project.id });
	});

	it('refuses the owner, a non-attendee, a teammate already there, a voter for the project and unknown projects', async () => {
		const s = await scene();
		const add = (project: string, email: string) => () =>
			addTeammateByAdmin(s.admin, { project, email, reason: 'Team change' });
		await expectRefused(add(s.project.id, s.ada.email), /owns .*the owner is not also a teammate/);
		await expectRefused(add(s.project.id, s.stranger.email), /does not attend .*add them to the event first/);
		await expectRefused(add(s.project.id, s.bo.email), /already on the team/);
		const voter = await db.user.findUniqueOrThrow({ where: { id: s.others[2].ownerId } });
		await expectRefused(add(s.project.id, voter.email), /voted for .*void their ballot first/);
		await expectRefused(add('ZZZZZZ', s.bo.email), /No project has the join code or id "ZZZZZZ"/);
		await expectRefused(add('not-a-code-or-id!', s.bo.email), /No project/);

		const remove = (project: string, email: string) => () =>
			removeTeammateByAdmin(s.admin, { project, email, reason: 'Team change' });
		await expectRefused(remove(s.project.id, s.ada.email), /an owner cannot be taken off/);
		await expectRefused(remove(s.project.id, s.stranger.email), /is not on the team/);
	});
});

describe('legacy points', () => {
	it('sets a new value, old and new in the audit details', async () => {
		const s = await scene();
		expect((await describeLegacyPoints(s.project.joinCode)).legacyPoints).toBe(0);
		await setLegacyPointsByAdmin(s.admin, {
			projectId: s.project.id,
			from: 0,
			points: 7,
			reason: 'Paper tally'
		});
		expect((await db.project.findUniqueOrThrow({ where: { id: s.project.id } })).legacyPoints).toBe(7);
		const audit = await lastAudit();
		expect(audit).toMatchObject({
			action: 'legacy_points_adjusted',
			reason: 'Paper tally',
			targetEventId: s.event.id
		});
		expect(audit.details).toMatchObject({ projectId: s.project.id, old: 0, new: 7 });
	});

	it('refuses a stale form and an unchanged value, changing nothing', async () => {
		const s = await scene();
		await db.project.update({ where: { id: s.project.id }, data: { legacyPoints: 3 } });
		const set = (from: number, points: number) => () =>
			setLegacyPointsByAdmin(s.admin, { projectId: s.project.id, from, points, reason: 'Paper tally' });
		await expectRefused(set(0, 7), /has 3 legacy points now, not 0/);
		await expectRefused(set(3, 3), /already has 3 legacy points/);
	});
});

describe('voiding a ballot', () => {
	it('deletes the voter’s votes, clears ballot_saved_at and their devices, and says if results were published', async () => {
		const s = await scene('closed');
		const review = await describeBallot(s.event.slug, s.ada.email);
		expect(review.closed).toBe(true);
		expect(review.votes.map((v) => v.projectName).sort()).toEqual(
			[s.others[0].name, s.others[1].name].sort()
		);
		const voided = await voidBallotByAdmin(s.admin, {
			eventId: s.event.id,
			userId: s.ada.id,
			seenVotes: review.fingerprint,
			seenSavedAt: review.savedAt?.toISOString() ?? '',
			reason: 'Voted for a friend under pressure'
		});
		expect(voided).toMatchObject({ votes: 2, closed: true });
		expect(await db.vote.count({ where: { eventId: s.event.id, voterId: s.ada.id } })).toBe(0);
		// Others' votes stay.
		expect(await db.vote.count({ where: { eventId: s.event.id } })).toBe(1);
		const attendance = await db.eventAttendee.findUniqueOrThrow({
			where: { eventId_userId: { eventId: s.event.id, userId: s.ada.id } }
		});
		expect(attendance.ballotSavedAt).toBeNull();
		expect(await db.ballotDevice.count({ where: { voterId: s.ada.id } })).toBe(0);
		const audit = await lastAudit();
		expect(audit).toMatchObject({
			action: 'ballot_voided',
			targetUserId: s.ada.id,
			targetEventId: s.event.id
		});
		expect(audit.summary).toMatch(/2 vote\(s\) deleted after the results were published/);
		expect(audit.details).toMatchObject({ closed: true, phase: 'closed' });
		expect((audit.details as { votes: unknown[] }).votes).toHaveLength(2);
	});

	it('refuses a ballot that does not exist and a stale confirmation, changing nothing', async () => {
		const s = await scene();
		await expect(describeBallot(s.event.slug, s.bo.email)).rejects.toThrow(/has no ballot/);
		const review = await describeBallot(s.event.slug, s.ada.email);
		const voidIt = (userId: string, seenVotes: string) => () =>
			voidBallotByAdmin(s.admin, {
				eventId: s.event.id,
				userId,
				seenVotes,
				seenSavedAt: review.savedAt?.toISOString() ?? '',
				reason: 'Shared laptop'
			});
		await expectRefused(voidIt(s.bo.id, ''), /has no ballot/);
		await expectRefused(voidIt(s.ada.id, s.others[0].id), /changed since you looked/);
		await expectRefused(
			() =>
				voidBallotByAdmin(s.admin, {
					eventId: s.event.id,
					userId: s.ada.id,
					seenVotes: review.fingerprint,
					seenSavedAt: '2020-01-01T00:00:00.000Z',
					reason: 'Shared laptop'
				}),
			/changed since you looked/
		);
	});
});

/** A form post to the page's action by a signed-in platform admin. */
function post(
	action: string,
	admin: { id: string; email: string; displayName: string },
	body: Record<string, string>
) {
	const url = new URL(`http://podium.test/admin/fixes?/${action}`);
	return {
		url,
		params: {},
		locals: {
			user: { ...admin, firstName: 'Root', lastName: null, profileComplete: true, isPlatformAdmin: true },
			session: null
		},
		request: new Request(url, { method: 'POST', body: new URLSearchParams(body) }),
		route: { id: '/admin/fixes' }
	} as unknown as RequestEvent;
}

describe('the fixes page', () => {
	it('refuses a missing or short reason and malformed ids with field messages, changing nothing', async () => {
		const s = await scene();
		const before = await snapshot();
		const noReason = (await actions.addAttendee(
			post('addAttendee', s.admin, { event: s.event.slug, email: s.stranger.email, reason: ' x ' }) as never
		)) as { status: number; data: { errors: Record<string, string>; values: Record<string, string> } };
		expect(noReason.status).toBe(400);
		expect(noReason.data.errors.reason).toMatch(/at least 3 characters/);
		expect(noReason.data.values).toMatchObject({ fix: 'addAttendee', email: s.stranger.email });

		const malformed = (await actions.voidBallot(
			post('voidBallot', s.admin, { eventId: 'nope', userId: s.ada.id, reason: 'Shared laptop' }) as never
		)) as { status: number; data: { errors: Record<string, string> } };
		expect(malformed.status).toBe(400);
		expect(malformed.data.errors.eventId).toMatch(/does not exist/);

		const stale = (await actions.setLegacyPoints(
			post('setLegacyPoints', s.admin, {
				projectId: s.project.id,
				from: '4',
				points: '9',
				reason: 'Paper tally'
			}) as never
		)) as { status: number; data: { message: string; values: Record<string, string> } };
		expect(stale.status).toBe(409);
		expect(stale.data.message).toMatch(/has 0 legacy points now, not 4/);
		expect(stale.data.values.fix).toBe('setLegacyPoints');
		expect(await snapshot()).toEqual(before);
	});

	it('makes a fix through its action and says what was done', async () => {
		const s = await scene();
		const done = await actions.addAttendee(
			post('addAttendee', s.admin, {
				event: s.event.slug,
				email: s.stranger.email,
				reason: 'Walk-in'
			}) as never
		);
		expect(done).toEqual({
			fix: 'addAttendee',
			done: `Added ${s.stranger.email} to the attendees of ${s.event.name}.`
		});
	});

	it('prefills from the query string and shows a look-up’s refusal as a message, not an error page', async () => {
		const s = await scene();
		const url = new URL(
			`http://podium.test/admin/fixes?review=void-ballot&event=${s.event.slug}&email=nobody@example.test`
		);
		const data = (await load({
			url,
			locals: { user: { ...s.admin, profileComplete: true, isPlatformAdmin: true } }
		} as never)) as { prefill: Record<string, string>; ballot: { message?: string } };
		expect(data.prefill).toMatchObject({ event: s.event.slug, email: 'nobody@example.test' });
		expect(data.ballot.message).toMatch(/Nobody has the email address/);
	});
});
