import { isActionFailure, isRedirect, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/lib/schemas/profile';
import type { SessionUser } from '../../src/lib/server/auth/sessions';
import { PII_MISSING } from '../../src/lib/server/pii-gate';
import { saveProfile } from '../../src/lib/server/profiles';
import { createProject, joinProjectByCode } from '../../src/lib/server/projects';
import { RuleViolation } from '../../src/lib/server/rules';
import * as newProjectRoute from '../../src/routes/events/[slug]/projects/new/+page.server';
import * as profileRoute from '../../src/routes/profile/+page.server';
import * as joinProjectRoute from '../../src/routes/projects/join/+page.server';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// The PII gate: with "address and birth date required" on, an event takes projects, and teammates
// joining them, only from people with those on file; the form says what is missing and links to the
// profile, which comes back to the form once saved. With the gate off nothing is asked.

const project = {
	name: 'Tide Clock',
	description: undefined,
	demoUrl: 'https://tide.example.test',
	hoursSpent: 5
};
const address = { firstName: 'Ada', street1: '1 Harbour Road', city: 'Burlington', country: 'US' };

async function gatedEvent(piiRequired = true) {
	const event = await make.createEvent({ phase: 'submission' });
	await db.event.update({ where: { id: event.id }, data: { piiRequired } });
	return event;
}

async function attendee(eventId: string) {
	const user = await make.createUser({ firstName: 'Ada' });
	await make.addAttendee(eventId, user.id);
	return user;
}

async function refusal(work: Promise<unknown>) {
	try {
		await work;
	} catch (error) {
		if (error instanceof RuleViolation) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

function sessionUser(user: {
	id: string;
	email: string;
	firstName: string;
	displayName: string;
}): SessionUser {
	return { ...user, lastName: null, profileComplete: true, isPlatformAdmin: false };
}

/** Enough of a RequestEvent for a route's guard and handler. */
function requestEvent(
	path: string,
	user: SessionUser,
	params: Record<string, string>,
	body?: Record<string, string>
) {
	const url = new URL(`http://podium.test${path}`);
	return {
		url,
		params,
		locals: { user, session: null },
		request: new Request(url, body ? { method: 'POST', body: new URLSearchParams(body) } : {}),
		cookies: { get: () => undefined, getAll: () => [], set: () => {}, delete: () => {}, serialize: () => '' },
		getClientAddress: () => '192.0.2.7',
		setHeaders: () => {},
		parent: async () => ({}),
		depends: () => {},
		untrack: <T>(fn: () => T) => fn()
	} as unknown as RequestEvent;
}

async function outcome(work: () => unknown) {
	try {
		return { value: await work() };
	} catch (error) {
		return { error };
	}
}

describe('the PII gate', () => {
	it('refuses a project from someone without address and birth date, saying what is missing', async () => {
		const event = await gatedEvent();
		const user = await attendee(event.id);
		const refused = await refusal(createProject(user.id, event.id, project));
		expect(refused.status).toBe(403);
		expect(refused.reason).toBe(PII_MISSING);
		expect(refused.message).toMatch(/missing: street address, city, country, date of birth\.$/);

		await saveProfile(
			user.id,
			profileSchema.parse({ firstName: 'Ada', street1: '1 Harbour Road', city: 'Burlington' })
		);
		expect((await refusal(createProject(user.id, event.id, project))).message).toMatch(
			/missing: country, date of birth\.$/
		);
		expect(await db.project.count({ where: { eventId: event.id } })).toBe(0);

		await saveProfile(user.id, profileSchema.parse({ ...address, dob: '2008-05-06' }));
		await expect(createProject(user.id, event.id, project)).resolves.toMatchObject({
			id: expect.any(String)
		});
	});

	it('asks nothing when the gate is off', async () => {
		const event = await gatedEvent(false);
		const user = await attendee(event.id);
		await expect(createProject(user.id, event.id, project)).resolves.toMatchObject({
			id: expect.any(String)
		});
	});

	it('refuses a teammate joining without the details, and lets them in once on file', async () => {
		const event = await gatedEvent(false);
		const owner = await attendee(event.id);
		const created = await createProject(owner.id, event.id, project);
		await db.event.update({ where: { id: event.id }, data: { piiRequired: true } });
		const teammate = await attendee(event.id);
		const guesser = make.guesser(teammate.id);

		const refused = await refusal(joinProjectByCode(guesser, created.joinCode));
		expect(refused.reason).toBe(PII_MISSING);
		expect(await db.projectCollaborator.count({ where: { projectId: created.id } })).toBe(0);

		await saveProfile(teammate.id, profileSchema.parse({ ...address, dob: '2007-01-02' }));
		await expect(joinProjectByCode(guesser, created.joinCode)).resolves.toMatchObject({
			alreadyInTeam: false
		});
	});

	it('the project form says what is missing and links to the profile, which returns to the form', async () => {
		const event = await gatedEvent();
		const user = await attendee(event.id);
		const me = sessionUser(user);
		const formPath = `/events/${event.slug}/projects/new`;

		const page = (await newProjectRoute.load(requestEvent(formPath, me, { slug: event.slug }) as never)) as {
			personalDetails?: { missing: string[]; profileHref: string };
		};
		expect(page.personalDetails).toEqual({
			missing: ['street address', 'city', 'country', 'date of birth'],
			profileHref: `/profile?redirectTo=${encodeURIComponent(formPath)}`
		});

		// The profile page keeps where to return, and saving goes back there.
		const profilePath = page.personalDetails!.profileHref;
		const profile = (await profileRoute.load(requestEvent(profilePath, me, {}) as never)) as {
			redirectTo?: string;
		};
		expect(profile.redirectTo).toBe(formPath);
		const saved = await outcome(() =>
			profileRoute.actions.save(
				requestEvent(
					`${profilePath}&/save`,
					me,
					{},
					{ ...address, dob: '2008-05-06', redirectTo: formPath }
				) as never
			)
		);
		expect(isRedirect(saved.error) && saved.error.location).toBe(formPath);
		const after = (await newProjectRoute.load(requestEvent(formPath, me, { slug: event.slug }) as never)) as {
			personalDetails?: unknown;
		};
		expect(after.personalDetails).toBeUndefined();

		// Another site is never a place to return to.
		const offsite = await outcome(() =>
			profileRoute.actions.save(
				requestEvent(
					'/profile?/save',
					me,
					{},
					{ ...address, dob: '2008-05-06', redirectTo: '//evil.example/x' }
				) as never
			)
		);
		expect(offsite.error).toBeUndefined();
		expect(offsite.value).toEqual({ saved: true });
	});

	it('the join form links to the profile, returning to the join link of that code', async () => {
		const event = await gatedEvent(false);
		const owner = await attendee(event.id);
		const created = await createProject(owner.id, event.id, project);
		await db.event.update({ where: { id: event.id }, data: { piiRequired: true } });
		const teammate = await attendee(event.id);

		const answer = await joinProjectRoute.actions.default(
			requestEvent(
				'/projects/join',
				sessionUser(teammate),
				{},
				{ code: created.joinCode.toLowerCase() }
			) as never
		);
		expect(isActionFailure(answer)).toBe(true);
		expect((answer as { data: Record<string, unknown> }).data).toMatchObject({
			reason: PII_MISSING,
			profileHref: `/profile?redirectTo=${encodeURIComponent(`/projects/join/${created.joinCode.toLowerCase()}`)}`
		});
	});
});
