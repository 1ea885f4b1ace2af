import { describe, expect, it } from 'vitest';
import { db } from '../helpers/db';
import {
	addAttendee,
	addCollaborator,
	createEvent,
	createProject,
	createUser,
	createVote
} from '../helpers/factories';

// The rules of domain.md that the database holds by itself, whatever code writes to it.

async function rejects(write: Promise<unknown>) {
	await expect(write).rejects.toThrow();
}

describe('users', () => {
	it('keeps one account per email address', async () => {
		await createUser({ email: 'ada@example.test' });
		await rejects(createUser({ email: 'ada@example.test' }));
	});

	it('stores email addresses only trimmed and lower-cased', async () => {
		await rejects(createUser({ email: 'Grace@Example.test' }));
		await rejects(createUser({ email: ' grace@example.test' }));
		expect(await db.user.count({ where: { email: { contains: 'grace' } } })).toBe(0);
	});

	it('requires a first name once the profile is complete', async () => {
		await rejects(
			db.user.create({
				data: { email: 'nofirst@example.test', firstName: ' ', profileCompletedAt: new Date() }
			})
		);
		// Before the first sign-in has asked for the profile, the name may still be missing.
		const pending = await db.user.create({ data: { email: 'pending@example.test' } });
		expect(pending.profileCompletedAt).toBeNull();
	});

	it('accepts only two-letter country codes', async () => {
		const user = await createUser();
		await rejects(db.user.update({ where: { id: user.id }, data: { country: 'us' } }));
		await db.user.update({ where: { id: user.id }, data: { country: 'US' } });
	});
});

describe('events and projects', () => {
	it('keeps slugs and join codes unique', async () => {
		const event = await createEvent();
		await rejects(
			createEvent().then((e) => db.event.update({ where: { id: e.id }, data: { slug: event.slug } }))
		);
		await rejects(
			createEvent().then((e) => db.event.update({ where: { id: e.id }, data: { joinCode: event.joinCode } }))
		);
	});

	it('stores join codes upper-case, keeping imported 4-character codes valid', async () => {
		const event = await createEvent();
		await rejects(db.event.update({ where: { id: event.id }, data: { joinCode: 'ab-c' } }));
		await db.event.update({ where: { id: event.id }, data: { joinCode: 'AB_C' } });
	});

	it('refuses negative hours and negative legacy points', async () => {
		const project = await createProject((await createEvent()).id);
		await rejects(db.project.update({ where: { id: project.id }, data: { hoursSpent: -1 } }));
		await rejects(db.project.update({ where: { id: project.id }, data: { legacyPoints: -3 } }));
		expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).hoursSpent).toBe(12);
	});

	it('never moves a project to another event', async () => {
		const project = await createProject((await createEvent()).id);
		const other = await createEvent();
		await rejects(db.project.update({ where: { id: project.id }, data: { eventId: other.id } }));
	});

	it('does not list the owner of a project as its collaborator', async () => {
		const project = await createProject((await createEvent()).id);
		await rejects(addCollaborator(project.id, project.ownerId));
		const teammate = await createUser();
		await addCollaborator(project.id, teammate.id);
		await rejects(addCollaborator(project.id, teammate.id));
	});

	it('records each attendee once per event', async () => {
		const event = await createEvent();
		const user = await createUser();
		await addAttendee(event.id, user.id);
		await rejects(addAttendee(event.id, user.id));
	});
});

describe('votes', () => {
	it('takes one vote per voter and project', async () => {
		const project = await createProject((await createEvent({ phase: 'voting' })).id);
		const voter = await createUser();
		await createVote(voter.id, project.id);
		await rejects(createVote(voter.id, project.id));
	});

	it("always belong to the project's event", async () => {
		const project = await createProject((await createEvent()).id);
		const other = await createEvent();
		const voter = await createUser();
		await rejects(db.vote.create({ data: { voterId: voter.id, projectId: project.id, eventId: other.id } }));
	});
});

describe('deleting', () => {
	it('an event takes its attendance, projects, teams, votes and referrals with it', async () => {
		const event = await createEvent({ phase: 'voting' });
		const project = await createProject(event.id);
		const voter = await createUser();
		await addAttendee(event.id, voter.id);
		await addCollaborator(project.id, (await createUser()).id);
		await createVote(voter.id, project.id);
		await db.referral.create({ data: { eventId: event.id, userId: voter.id, content: 'A friend' } });

		await db.event.delete({ where: { id: event.id } });

		const where = { eventId: event.id };
		expect(await db.project.count({ where })).toBe(0);
		expect(await db.vote.count({ where })).toBe(0);
		expect(await db.eventAttendee.count({ where })).toBe(0);
		expect(await db.referral.count({ where })).toBe(0);
		expect(await db.projectCollaborator.count({ where: { projectId: project.id } })).toBe(0);
		expect(await db.user.count({ where: { id: voter.id } })).toBe(1);
	});

	it('a project takes its votes with it', async () => {
		const project = await createProject((await createEvent({ phase: 'voting' })).id);
		await createVote((await createUser()).id, project.id);
		await db.project.delete({ where: { id: project.id } });
		expect(await db.vote.count({ where: { projectId: project.id } })).toBe(0);
	});

	it('a user who owns an event is refused until the event is handed over or deleted', async () => {
		const event = await createEvent();
		await rejects(db.user.delete({ where: { id: event.ownerId } }));
	});

	it("a user's referral answers outlive the account", async () => {
		const event = await createEvent();
		const user = await createUser();
		await addAttendee(event.id, user.id);
		await db.referral.create({ data: { eventId: event.id, userId: user.id, content: 'Poster' } });
		await db.user.delete({ where: { id: user.id } });
		const [referral] = await db.referral.findMany({ where: { eventId: event.id } });
		expect(referral).toMatchObject({ content: 'Poster', userId: null });
	});
});
