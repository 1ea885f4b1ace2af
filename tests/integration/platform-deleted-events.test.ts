import { describe, expect, it } from 'vitest';
import { findOwnedEvent } from '../../src/lib/server/admin/access';
import { findEventBySlug } from '../../src/lib/server/event-access';
import {
	getEventForViewer,
	joinEventByCode,
	listMyEvents,
	recordReferral
} from '../../src/lib/server/events';
import { getLeaderboard, setResultsRevealed } from '../../src/lib/server/leaderboard';
import { restoreEvent, softDeleteEvent } from '../../src/lib/server/platform/event-actions';
import {
	createProject,
	deleteProject,
	getProjectForViewer,
	joinProjectByCode,
	leaveProject,
	listMyProjects,
	updateProject
} from '../../src/lib/server/projects';
import { RuleViolation } from '../../src/lib/server/rules';
import { countPlatformTotals } from '../../src/lib/server/stats';
import { castBallot, castBallotAt, getBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// Every way into an event, refused once a platform admin soft-deletes it (for its owner and attendees
// too), still open to platform admins where they look (marked as deleted), and open again on restore.

async function refusal(work: Promise<unknown>, status?: number) {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	if (status) expect((error as RuleViolation).status).toBe(status);
	return error as RuleViolation;
}

const projectInput = {
	name: 'Late entry',
	description: 'x',
	hoursSpent: 3,
	demoUrl: 'https://example.test/demo'
};

/** An event in `phase` with an owner, an attendee who owns a project with a teammate, and others. */
async function scene(phase: 'submission' | 'voting' | 'closed' = 'voting') {
	const owner = await make.createUser({ firstName: 'Owner' });
	const event = await make.createEvent({ ownerId: owner.id, phase });
	const attendee = await make.createUser({ firstName: 'Attendee' });
	await make.addAttendee(event.id, attendee.id);
	const project = await make.createProject(event.id, { ownerId: attendee.id });
	const teammate = await make.createUser({ firstName: 'Teammate' });
	await make.addAttendee(event.id, teammate.id);
	await make.addCollaborator(project.id, teammate.id);
	const others = await Promise.all([1, 2, 3].map(() => make.createProject(event.id)));
	const stranger = await make.createUser({ firstName: 'Stranger' });
	const admin = await make.createUser({ firstName: 'Admin' });
	await db.user.update({ where: { id: admin.id }, data: { platformAdminSince: new Date() } });
	return { owner, event, attendee, project, teammate, others, stranger, admin };
}

type Scene = Awaited<ReturnType<typeof scene>>;

const softDelete = (s: Scene) => softDeleteEvent(s.admin, s.event.id);

describe('a soft-deleted event', () => {
	it('is not found on its page, ballot, projector and live lookups, for its owner, attendees and visitors', async () => {
		const s = await scene();
		await softDelete(s);
		for (const viewer of [s.owner.id, s.attendee.id, s.stranger.id, undefined]) {
			await refusal(getEventForViewer(s.event.slug, viewer), 404);
			await refusal(findEventBySlug(s.event.slug, viewer), 404);
		}
		await refusal(getBallot(s.attendee.id, s.event.id), 404);
	});

	it('takes no ballot, by id or by slug, and records nothing', async () => {
		const s = await scene();
		await softDelete(s);
		const votes = await db.vote.count();
		await refusal(castBallot(s.teammate.id, s.event.id, [s.others[0].id]), 404);
		await refusal(castBallotAt(s.teammate.id, s.event.slug, [s.others[0].id]), 404);
		// The database function refuses it itself, for any caller, by id and by slug.
		for (const [id, slug] of [
			[s.event.id, null],
			[null, s.event.slug]
		]) {
			const [cast] = await db.$queryRaw<{ outcome: string }[]>`SELECT outcome
				FROM cast_ballot(${s.teammate.id}::uuid, ${id}::uuid, ${slug}::text, ARRAY[${s.others[0].id}]::uuid[])`;
			expect(cast.outcome).toBe('event_not_found');
		}
		expect(await db.vote.count()).toBe(votes);
		const attendance = await db.eventAttendee.findFirstOrThrow({
			where: { eventId: s.event.id, userId: s.teammate.id }
		});
		expect(attendance.ballotSavedAt).toBeNull();
	});

	it('hides its published leaderboard from everyone, its owner included', async () => {
		const s = await scene('closed');
		expect((await getLeaderboard(s.event.slug, undefined)).ranking).toHaveLength(4);
		await softDelete(s);
		for (const viewer of [s.owner.id, s.attendee.id, undefined]) {
			await refusal(getLeaderboard(s.event.slug, viewer), 404);
		}
		await refusal(setResultsRevealed(s.owner.id, s.event.id, true), 403);
	});

	it('stops its join code and its projects’ join codes working, also for people already in it', async () => {
		const s = await scene('submission');
		await softDelete(s);
		for (const person of [s.stranger, s.attendee]) {
			await refusal(joinEventByCode(make.guesser(person.id), s.event.joinCode), 404);
		}
		await refusal(joinProjectByCode(make.guesser(s.stranger.id), s.project.joinCode), 404);
		await refusal(joinProjectByCode(make.guesser(s.attendee.id), s.others[0].joinCode), 404);
		expect(await db.eventAttendee.count({ where: { userId: s.stranger.id } })).toBe(0);
	});

	it('takes no new project, edit, deletion, team change or referral answer', async () => {
		const s = await scene('submission');
		await softDelete(s);
		const newcomer = s.others[0].ownerId;
		await db.project.delete({ where: { id: s.others[0].id } });
		await refusal(createProject(newcomer, s.event.id, projectInput), 404);
		await refusal(updateProject(s.attendee.id, s.project.id, projectInput), 404);
		await refusal(deleteProject(s.attendee.id, s.project.id), 404);
		await refusal(leaveProject(s.teammate.id, s.project.id), 404);
		await refusal(recordReferral(s.event.id, s.attendee.id, 'A friend'), 403);
		expect(await db.project.count({ where: { eventId: s.event.id } })).toBe(3);
		expect(await db.projectCollaborator.count({ where: { projectId: s.project.id } })).toBe(1);
		expect(await db.referral.count({ where: { eventId: s.event.id } })).toBe(0);
	});

	it('hides its project pages from everyone but platform admins, who see them marked', async () => {
		const s = await scene();
		await softDelete(s);
		for (const viewer of [s.attendee.id, s.teammate.id, s.owner.id, undefined]) {
			await refusal(getProjectForViewer(s.project.id, viewer), 404);
		}
		const seen = await getProjectForViewer(s.project.id, s.admin.id, true);
		expect(seen.event.deleted).toBe(true);
		expect(seen.canEdit).toBe(false);
	});

	it('leaves "my events", "my projects" and the home page totals', async () => {
		const s = await scene();
		await make.createVote(s.teammate.id, s.others[0].id);
		const before = await countPlatformTotals();
		await softDelete(s);
		expect((await listMyEvents(s.owner.id)).owned).toEqual([]);
		expect((await listMyEvents(s.attendee.id)).attending).toEqual([]);
		expect(await listMyProjects(s.attendee.id)).toEqual([]);
		expect(await listMyProjects(s.teammate.id)).toEqual([]);
		expect(await countPlatformTotals()).toEqual({
			events: before.events - 1,
			projects: before.projects - 4,
			votes: before.votes - 1,
			votesEstimated: false
		});
	});

	it("closes its owner's pages to its owner; platform admins still open them and its page, marked", async () => {
		const s = await scene();
		await softDelete(s);
		await refusal(findOwnedEvent({ id: s.owner.id, isPlatformAdmin: false }, s.event.slug), 404);
		expect((await findOwnedEvent({ id: s.admin.id, isPlatformAdmin: true }, s.event.slug)).id).toBe(
			s.event.id
		);
		expect(await getEventForViewer(s.event.slug, s.admin.id, true)).toMatchObject({ deleted: true });
		expect(await findEventBySlug(s.event.slug, s.admin.id, true)).toMatchObject({ deleted: true });
	});

	it('works again in every one of these ways once restored', async () => {
		const s = await scene();
		await softDelete(s);
		await restoreEvent(s.admin, s.event.id);
		expect(await getEventForViewer(s.event.slug, s.attendee.id)).toMatchObject({
			deleted: false,
			isAttendee: true
		});
		expect((await getBallot(s.teammate.id, s.event.id)).projects.length).toBeGreaterThan(0);
		expect((await castBallot(s.teammate.id, s.event.id, [s.others[0].id])).outcome).toBe('recorded');
		expect((await listMyEvents(s.owner.id)).owned).toHaveLength(1);
		expect(await listMyProjects(s.attendee.id)).toHaveLength(1);
		expect((await findOwnedEvent({ id: s.owner.id, isPlatformAdmin: false }, s.event.slug)).id).toBe(
			s.event.id
		);
		await db.event.update({ where: { id: s.event.id }, data: { phase: 'submission' } });
		expect(await joinEventByCode(make.guesser(s.stranger.id), s.event.joinCode)).toMatchObject({
			alreadyAttending: false
		});
	});
});
