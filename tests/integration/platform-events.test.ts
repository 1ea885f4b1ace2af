import { isActionFailure, isRedirect, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import {
	describeEventPurge,
	purgeEvent,
	restoreEvent,
	softDeleteEvent,
	transferEvent
} from '../../src/lib/server/platform/event-actions';
import { RuleViolation } from '../../src/lib/server/rules';
import * as eventPage from '../../src/routes/admin/events/[id]/+page.server';
import * as purgePage from '../../src/routes/admin/events/[id]/purge/+page.server';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// The actions on one event's platform admin page: each one transaction with its audit row, and each
// awkward request refused with a clear message and nothing changed.

async function refusal(work: Promise<unknown>, message?: RegExp) {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	if (message) expect((error as RuleViolation).message).toMatch(message);
	return error as RuleViolation;
}

async function platformAdmin() {
	const admin = await make.createUser({ firstName: 'Admin' });
	return db.user.update({ where: { id: admin.id }, data: { platformAdminSince: new Date() } });
}

/** An event in voting with attendees, a team, votes, a referral, a ballot device and an audit row. */
async function scene() {
	const owner = await make.createUser({ firstName: 'Owner' });
	const event = await make.createEvent({ ownerId: owner.id, phase: 'voting' });
	const attendee = await make.createUser({ firstName: 'Attendee' });
	await make.addAttendee(event.id, attendee.id);
	const project = await make.createProject(event.id, { ownerId: attendee.id });
	const teammate = await make.createUser({ firstName: 'Teammate' });
	await make.addAttendee(event.id, teammate.id);
	await make.addCollaborator(project.id, teammate.id);
	const others = await Promise.all([1, 2, 3].map(() => make.createProject(event.id)));
	await make.createVote(attendee.id, others[0].id);
	await make.createVote(others[1].ownerId, project.id);
	await db.referral.create({ data: { eventId: event.id, userId: attendee.id, content: 'A friend' } });
	await db.ballotDevice.create({
		data: {
			eventId: event.id,
			voterId: attendee.id,
			deviceId: crypto.randomUUID(),
			lastSeq: 3n,
			lastKey: crypto.randomUUID()
		}
	});
	await db.eventAuditLog.create({
		data: {
			eventId: event.id,
			eventName: event.name,
			actorId: owner.id,
			actorName: 'Owner',
			action: 'phase_changed',
			summary: 'Moved the event from submission to voting.',
			details: { from: 'submission', to: 'voting' }
		}
	});
	const admin = await platformAdmin();
	const newOwner = await make.createUser({ firstName: 'New' });
	return { owner, event, attendee, teammate, project, others, admin, newOwner };
}

/** Every row of the event and everything in it. */
async function eventRows(eventId: string) {
	const projects = { project: { eventId } };
	const [event, attendees, projectRows, collaborators, votes, referrals, devices, audit] = await Promise.all([
		db.event.findUnique({ where: { id: eventId } }),
		db.eventAttendee.findMany({ where: { eventId }, orderBy: { userId: 'asc' } }),
		db.project.findMany({ where: { eventId }, orderBy: { id: 'asc' } }),
		db.projectCollaborator.findMany({ where: projects, orderBy: [{ projectId: 'asc' }, { userId: 'asc' }] }),
		db.vote.findMany({ where: { eventId }, orderBy: { id: 'asc' } }),
		db.referral.findMany({ where: { eventId }, orderBy: { id: 'asc' } }),
		db.ballotDevice.findMany({ where: { eventId }, orderBy: { deviceId: 'asc' } }),
		db.eventAuditLog.findMany({ where: { eventId }, orderBy: { id: 'asc' } })
	]);
	return { event, attendees, projects: projectRows, collaborators, votes, referrals, devices, audit };
}

const platformLog = (eventId: string) =>
	db.platformAuditLog.findMany({
		where: { details: { path: ['eventId'], equals: eventId } },
		orderBy: { createdAt: 'asc' }
	});

describe('transferring an event', () => {
	it('hands it to the person with that email (any case), with an audit row naming both and the reason', async () => {
		const s = await scene();
		const done = await transferEvent(s.admin, s.event.id, {
			email: `  ${s.newOwner.email.toUpperCase()} `,
			expectedOwnerId: s.owner.id,
			reason: 'Organiser left'
		});
		expect(done).toEqual({ name: s.event.name, from: s.owner.email, to: s.newOwner.email });
		expect((await db.event.findUniqueOrThrow({ where: { id: s.event.id } })).ownerId).toBe(s.newOwner.id);
		const [row] = await platformLog(s.event.id);
		expect(row).toMatchObject({
			actorId: s.admin.id,
			action: 'event_transferred',
			reason: 'Organiser left',
			targetEventId: s.event.id,
			targetUserId: s.newOwner.id,
			details: {
				eventId: s.event.id,
				from: { id: s.owner.id, email: s.owner.email },
				to: { id: s.newOwner.id, email: s.newOwner.email }
			}
		});
		expect(row.summary).toContain(s.newOwner.email);
	});

	it('refuses the current owner, an unknown email, a deleted person and a stale form, changing nothing', async () => {
		const s = await scene();
		const deleted = await make.createUser();
		await db.user.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
		const before = await eventRows(s.event.id);
		const cases: [{ email: string; expectedOwnerId: string }, RegExp][] = [
			[{ email: s.owner.email, expectedOwnerId: s.owner.id }, /already owns this event/],
			[{ email: 'nobody@example.test', expectedOwnerId: s.owner.id }, /Nobody has the email address/],
			[{ email: deleted.email, expectedOwnerId: s.owner.id }, /deleted person/],
			// The page was loaded while someone else owned it: the admin decided on out-of-date facts.
			[{ email: s.newOwner.email, expectedOwnerId: s.attendee.id }, /changed since you opened the page/]
		];
		for (const [input, message] of cases) await refusal(transferEvent(s.admin, s.event.id, input), message);
		expect(await eventRows(s.event.id)).toEqual(before);
		expect(await platformLog(s.event.id)).toEqual([]);
	});

	it('refuses an unknown or malformed event id, and anyone who is not a platform admin', async () => {
		const s = await scene();
		const input = { email: s.newOwner.email, expectedOwnerId: s.owner.id };
		expect((await refusal(transferEvent(s.admin, crypto.randomUUID(), input))).status).toBe(404);
		expect((await refusal(transferEvent(s.admin, 'not-an-id', input))).status).toBe(404);
		expect((await refusal(transferEvent(s.owner, s.event.id, input))).status).toBe(403);
		expect((await db.event.findUniqueOrThrow({ where: { id: s.event.id } })).ownerId).toBe(s.owner.id);
	});
});

describe('soft delete and restore', () => {
	it('keeps every row of the event, and restore brings it back exactly as it was', async () => {
		const s = await scene();
		const before = await eventRows(s.event.id);
		await softDeleteEvent(s.admin, s.event.id, 'Spam event');
		const deleted = await eventRows(s.event.id);
		expect(deleted.event?.deletedAt).toBeInstanceOf(Date);
		expect({ ...deleted, event: undefined }).toEqual({ ...before, event: undefined });
		await restoreEvent(s.admin, s.event.id, 'Not spam after all');
		const after = await eventRows(s.event.id);
		// Only the row's updated_at says something happened.
		expect({ ...after, event: { ...after.event, updatedAt: null } }).toEqual({
			...before,
			event: { ...before.event, updatedAt: null }
		});
		const rows = await platformLog(s.event.id);
		expect(rows.map((r) => [r.action, r.reason, r.actorId, r.targetEventId])).toEqual([
			['event_soft_deleted', 'Spam event', s.admin.id, s.event.id],
			['event_restored', 'Not spam after all', s.admin.id, s.event.id]
		]);
	});

	it('refuses to delete a deleted event or restore one that is not, changing nothing', async () => {
		const s = await scene();
		await refusal(restoreEvent(s.admin, s.event.id), /not deleted/);
		await softDeleteEvent(s.admin, s.event.id);
		const deletedAt = (await db.event.findUniqueOrThrow({ where: { id: s.event.id } })).deletedAt;
		await refusal(softDeleteEvent(s.admin, s.event.id), /already deleted/);
		expect((await db.event.findUniqueOrThrow({ where: { id: s.event.id } })).deletedAt).toEqual(deletedAt);
		expect((await platformLog(s.event.id)).map((r) => r.action)).toEqual(['event_soft_deleted']);
		expect((await refusal(softDeleteEvent(s.owner, s.event.id))).status).toBe(403);
	});
});

describe('purging an event', () => {
	it('is refused for an event that is not deleted, and for a wrong name', async () => {
		const s = await scene();
		await refusal(purgeEvent(s.admin, s.event.id, s.event.name), /Only a deleted event/);
		await softDeleteEvent(s.admin, s.event.id);
		await refusal(purgeEvent(s.admin, s.event.id, 'Something else'), /Type the event's name exactly/);
		expect(await db.event.count({ where: { id: s.event.id } })).toBe(1);
		expect((await platformLog(s.event.id)).map((r) => r.action)).toEqual(['event_soft_deleted']);
	});

	it('deletes the event and everything in it, and keeps both audit logs', async () => {
		const s = await scene();
		await softDeleteEvent(s.admin, s.event.id);
		expect(await describeEventPurge(s.event.id)).toEqual({
			id: s.event.id,
			name: s.event.name,
			deleted: true,
			attendees: 5,
			projects: 4,
			votes: 2,
			referrals: 1
		});
		const done = await purgeEvent(s.admin, s.event.id, ` ${s.event.name} `, 'Asked by the organiser');
		expect(done).toMatchObject({ projects: 4, votes: 2, attendees: 5, referrals: 1 });
		const after = await eventRows(s.event.id);
		expect(after).toMatchObject({
			event: null,
			attendees: [],
			projects: [],
			collaborators: [],
			votes: [],
			referrals: [],
			devices: []
		});
		// The owner's audit row stays, no longer linked to the gone event.
		expect(await db.eventAuditLog.count({ where: { eventName: s.event.name, eventId: null } })).toBe(1);
		const rows = await platformLog(s.event.id);
		expect(rows.map((r) => [r.action, r.targetEventId])).toEqual([
			['event_soft_deleted', null],
			['event_purged', null]
		]);
		expect(rows[1]).toMatchObject({
			reason: 'Asked by the organiser',
			details: { name: s.event.name, votes: 2 }
		});
		// The people stay.
		expect(await db.user.count({ where: { id: { in: [s.owner.id, s.attendee.id, s.teammate.id] } } })).toBe(
			3
		);
	});
});

// The same actions through the page's form actions, as a browser posts them.
describe("the event page's form actions", () => {
	async function post(
		route: string,
		action: string,
		params: { id: string },
		user: { id: string },
		body: Record<string, string>
	) {
		const mod = (route === '[id]' ? eventPage : purgePage) as unknown as {
			actions: Record<string, (event: RequestEvent) => Promise<unknown>>;
		};
		const account = await db.user.findUniqueOrThrow({ where: { id: user.id } });
		const url = new URL(`http://podium.test/admin/events/${params.id}?/${action}`);
		const event = {
			url,
			params,
			locals: {
				user: { ...account, profileComplete: true, isPlatformAdmin: account.platformAdminSince !== null },
				session: null
			},
			request: new Request(url, { method: 'POST', body: new URLSearchParams(body) })
		} as unknown as RequestEvent;
		try {
			return { value: await mod.actions[action](event) };
		} catch (error) {
			return { error };
		}
	}

	it('transfers, with field errors for a malformed email and a clear message for a stale form', async () => {
		const s = await scene();
		const bad = await post('[id]', 'transfer', { id: s.event.id }, s.admin, {
			email: 'not an email',
			expectedOwnerId: s.owner.id
		});
		expect(isActionFailure(bad.value) && bad.value.status).toBe(400);
		expect(bad.value).toMatchObject({ data: { errors: { email: 'That is not an email address.' } } });
		const stale = await post('[id]', 'transfer', { id: s.event.id }, s.admin, {
			email: s.newOwner.email,
			expectedOwnerId: s.newOwner.id
		});
		expect(isActionFailure(stale.value) && stale.value.status).toBe(409);
		const done = await post('[id]', 'transfer', { id: s.event.id }, s.admin, {
			email: s.newOwner.email,
			expectedOwnerId: s.owner.id,
			reason: 'Handover'
		});
		expect(done.value).toEqual({
			transferred: { name: s.event.name, from: s.owner.email, to: s.newOwner.email }
		});
		expect((await platformLog(s.event.id)).map((r) => [r.action, r.reason])).toEqual([
			['event_transferred', 'Handover']
		]);
	});

	it('deletes and restores, and answers a malformed or unknown event id with a 404 message, not an error', async () => {
		const s = await scene();
		expect((await post('[id]', 'delete', { id: s.event.id }, s.admin, { reason: 'Spam' })).value).toEqual({
			deleted: { name: s.event.name }
		});
		expect((await post('[id]', 'restore', { id: s.event.id }, s.admin, {})).value).toEqual({
			restored: { name: s.event.name }
		});
		for (const id of ['not-a-uuid', crypto.randomUUID()]) {
			const missing = await post('[id]', 'delete', { id }, s.admin, {});
			expect(isActionFailure(missing.value) && missing.value.status).toBe(404);
		}
		expect((await platformLog(s.event.id)).map((r) => r.action)).toEqual([
			'event_soft_deleted',
			'event_restored'
		]);
	});

	it('purges from its own page after the name is typed, then returns to the directory', async () => {
		const s = await scene();
		await softDeleteEvent(s.admin, s.event.id);
		const empty = await post('[id]/purge', 'purge', { id: s.event.id }, s.admin, { confirmName: '' });
		expect(isActionFailure(empty.value) && empty.value.status).toBe(400);
		const wrong = await post('[id]/purge', 'purge', { id: s.event.id }, s.admin, { confirmName: 'Nope' });
		expect(isActionFailure(wrong.value) && wrong.value.status).toBe(400);
		expect(await db.event.count({ where: { id: s.event.id } })).toBe(1);
		const done = await post('[id]/purge', 'purge', { id: s.event.id }, s.admin, {
			confirmName: s.event.name,
			reason: 'Requested'
		});
		expect(isRedirect(done.error)).toBe(true);
		expect(await db.event.count({ where: { id: s.event.id } })).toBe(0);
	});
});
