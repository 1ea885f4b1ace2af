import { describe, expect, it } from 'vitest';
import {
	createEvent,
	getEventForViewer,
	joinEventByCode,
	listMyEvents,
	recordReferral,
	slugify
} from '../../src/lib/server/events';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

async function refusal(work: Promise<unknown>) {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

describe('creating an event', () => {
	it('makes the creator its owner, gives it a slug from its name and a join code, and opens submissions', async () => {
		const owner = await make.createUser();
		const created = await createEvent(owner.id, {
			name: 'Scrapyard Zürich 2025!',
			description: 'Build junk.'
		});
		const event = await db.event.findUniqueOrThrow({ where: { id: created.id } });
		expect(event).toMatchObject({
			name: 'Scrapyard Zürich 2025!',
			slug: 'scrapyard-zurich-2025',
			ownerId: owner.id,
			phase: 'submission',
			description: 'Build junk.'
		});
		expect(event.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
		// The owner is not automatically an attendee.
		expect(await db.eventAttendee.count({ where: { eventId: event.id } })).toBe(0);
	});

	it('gives a clashing name a suffix instead of an error', async () => {
		const owner = await make.createUser();
		const slugs = [];
		for (let i = 0; i < 3; i++) slugs.push((await createEvent(owner.id, { name: 'Campfire' })).slug);
		expect(slugs).toEqual(['campfire', 'campfire-2', 'campfire-3']);
	});

	it('gives 20 people creating one name at the same instant 20 events with distinct slugs', async () => {
		const owners = await Promise.all(Array.from({ length: 20 }, () => make.createUser()));
		const settled = await Promise.allSettled(owners.map((o) => createEvent(o.id, { name: 'Daydream' })));
		expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
		const slugs = settled.map((s) => (s as PromiseFulfilledResult<{ slug: string }>).value.slug);
		expect(new Set(slugs).size).toBe(20);
		expect(slugs.sort()).toEqual(
			['daydream', ...Array.from({ length: 19 }, (_, i) => `daydream-${i + 2}`)].sort()
		);
	});

	it('still finds a slug when a name like "Daydream 2" took the next suffix meanwhile', async () => {
		const owner = await make.createUser();
		const made = await Promise.all([
			...Array.from({ length: 5 }, () => createEvent(owner.id, { name: 'Undercity' })),
			...Array.from({ length: 5 }, () => createEvent(owner.id, { name: 'Undercity 2' }))
		]);
		expect(new Set(made.map((e) => e.slug)).size).toBe(10);
	});

	it('can be kept in draft, invisible to everyone but the owner', async () => {
		const owner = await make.createUser();
		const stranger = await make.createUser();
		const { slug, joinCode } = await createEvent(owner.id, { name: 'Secret', draft: true });
		expect((await getEventForViewer(slug, owner.id)).phase).toBe('draft');
		expect((await refusal(getEventForViewer(slug, stranger.id))).status).toBe(404);
		expect((await refusal(getEventForViewer(slug, undefined))).status).toBe(404);
		expect((await refusal(joinEventByCode(make.guesser(stranger.id), joinCode))).message).toMatch(
			/No event has that join code/
		);
		expect(await db.eventAttendee.count()).toBe(0);
	});

	it('slugifies names without letters to a usable slug', () => {
		expect(slugify('🎉🎉')).toBe('event');
		expect(slugify('  --Hack   the   Planet--  ')).toBe('hack-the-planet');
	});
});

describe('joining an event', () => {
	it('works with the code in any case, and records the referral answer once', async () => {
		const event = await make.createEvent();
		const user = await make.createUser();
		const joined = await joinEventByCode(
			make.guesser(user.id),
			` ${event.joinCode.toLowerCase()} `,
			'A poster at school'
		);
		expect(joined).toMatchObject({ slug: event.slug, alreadyAttending: false });
		const again = await joinEventByCode(make.guesser(user.id), event.joinCode, 'Again');
		expect(again.alreadyAttending).toBe(true);
		expect(await db.eventAttendee.count({ where: { eventId: event.id, userId: user.id } })).toBe(1);
		const referrals = await db.referral.findMany({ where: { eventId: event.id }, select: { content: true } });
		expect(referrals).toEqual([{ content: 'A poster at school' }]);
	});

	it('keeps working with imported 4-character codes', async () => {
		const event = await make.createEvent();
		await db.event.update({ where: { id: event.id }, data: { joinCode: 'A_1-' } });
		const user = await make.createUser();
		expect((await joinEventByCode(make.guesser(user.id), 'a_1-')).slug).toBe(event.slug);
	});

	it('is open during voting but not once the event is closed', async () => {
		const voting = await make.createEvent({ phase: 'voting' });
		const closed = await make.createEvent({ phase: 'closed' });
		const user = await make.createUser();
		await joinEventByCode(make.guesser(user.id), voting.joinCode);
		const error = await refusal(joinEventByCode(make.guesser(user.id), closed.joinCode));
		expect(error.message).toMatch(/has ended/);
		expect(await db.eventAttendee.count({ where: { eventId: closed.id } })).toBe(0);
	});

	it('refuses an unknown code with a clear message', async () => {
		const user = await make.createUser();
		const error = await refusal(joinEventByCode(make.guesser(user.id), 'NOPE99'));
		expect(error.status).toBe(404);
		expect(error.message).toMatch(/No event has that join code/);
	});

	it('takes a later referral answer only from an attendee who gave none', async () => {
		const event = await make.createEvent();
		const user = await make.createUser();
		await expect(recordReferral(event.id, user.id, 'Friend')).rejects.toThrow(/Join the event/);
		await make.addAttendee(event.id, user.id);
		await recordReferral(event.id, user.id, 'Friend');
		await recordReferral(event.id, user.id, 'Friend again');
		expect(await db.referral.count({ where: { eventId: event.id } })).toBe(1);
	});

	it('keeps one answer when the same attendee posts it 30 times at once', async () => {
		const event = await make.createEvent();
		const user = await make.createUser();
		await make.addAttendee(event.id, user.id);
		const posts = Array.from({ length: 30 }, (_, i) => recordReferral(event.id, user.id, `Answer ${i}`));
		expect((await Promise.allSettled(posts)).filter((p) => p.status === 'rejected')).toEqual([]);
		expect(await db.referral.count({ where: { eventId: event.id, userId: user.id } })).toBe(1);
	});

	it('refuses a second answer in the database itself, for a script that skips the app', async () => {
		const event = await make.createEvent();
		const user = await make.createUser();
		await make.addAttendee(event.id, user.id);
		await db.referral.create({ data: { eventId: event.id, userId: user.id, content: 'First' } });
		await expect(
			db.referral.create({ data: { eventId: event.id, userId: user.id, content: 'Second' } })
		).rejects.toThrow();
		// Imported answers are kept as the old system had them.
		await db.referral.create({
			data: { eventId: event.id, userId: user.id, content: 'Imported', airtableId: 'recREF1' }
		});
		expect(await db.referral.count({ where: { eventId: event.id } })).toBe(2);
	});

	it('lets someone removed and joining again keep their first answer without an error', async () => {
		const event = await make.createEvent();
		const user = await make.createUser();
		await joinEventByCode(make.guesser(user.id), event.joinCode, 'A poster');
		await db.eventAttendee.delete({ where: { eventId_userId: { eventId: event.id, userId: user.id } } });
		const again = await joinEventByCode(make.guesser(user.id), event.joinCode, 'A friend');
		expect(again.alreadyAttending).toBe(false);
		const answers = await db.referral.findMany({ where: { eventId: event.id }, select: { content: true } });
		expect(answers).toEqual([{ content: 'A poster' }]);
	});
});

describe('my events', () => {
	it('lists the events one attends and the events one owns', async () => {
		const me = await make.createUser();
		const mine = await make.createEvent({ ownerId: me.id, name: 'Mine' });
		const attended = await make.createEvent({ name: 'Attended' });
		await make.addAttendee(attended.id, me.id);
		await make.createEvent({ name: 'Someone else' });
		const { attending, owned } = await listMyEvents(me.id);
		expect(attending.map((e) => e.slug)).toEqual([attended.slug]);
		expect(owned.map((e) => e.slug)).toEqual([mine.slug]);
	});

	it('does not show the join code to attendees, only to the owner', async () => {
		const event = await make.createEvent();
		const attendee = await make.createUser();
		await make.addAttendee(event.id, attendee.id);
		const seen = await getEventForViewer(event.slug, attendee.id);
		expect(seen).toMatchObject({ isAttendee: true, isOwner: false, joinCode: undefined });
		expect((await getEventForViewer(event.slug, event.ownerId)).joinCode).toBe(event.joinCode);
	});

	it("counts the event's own projects and attendees, not those of other events", async () => {
		const event = await make.createEvent();
		const other = await make.createEvent();
		const [a, b, c] = await Promise.all([make.createUser(), make.createUser(), make.createUser()]);
		for (const user of [a, b]) await make.addAttendee(event.id, user.id);
		await make.addAttendee(other.id, c.id);
		await make.createProject(event.id, { ownerId: a.id });
		await make.createProject(other.id, { ownerId: c.id });
		const empty = await make.createEvent();
		expect((await getEventForViewer(event.slug, a.id))._count).toEqual({ projects: 1, attendees: 2 });
		expect((await getEventForViewer(empty.slug, undefined))._count).toEqual({ projects: 0, attendees: 0 });
	});
});
