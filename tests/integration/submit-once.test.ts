import { fail, isActionFailure, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { createEvent, joinEventByCode } from '../../src/lib/server/events';
import { createProject } from '../../src/lib/server/projects';
import { attempt } from '../../src/lib/server/rules';
import {
	FORM_SUBMISSION_TTL_MS,
	newFormToken,
	pruneFormSubmissions,
	redirectOnce
} from '../../src/lib/server/submit-once';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// The server-side guard against double submission, with the app's real create and join functions on a
// real database: what a double tap (two posts of one rendered form) leaves behind.

const action = (path: string, search = '') => ({
	route: { id: path },
	url: new URL(`http://podium.test${search}`)
});
const newEventForm = action('/events/new');

/** What a call ended in: where it redirected, or the failure it returned. */
async function answer(call: Promise<unknown>) {
	try {
		const failure = await call;
		if (isActionFailure(failure))
			return { status: failure.status, data: failure.data as unknown as { message?: string } };
		throw new Error(`neither a redirect nor a failure: ${JSON.stringify(failure)}`);
	} catch (error) {
		if (isRedirect(error)) return { status: error.status, location: error.location };
		throw error;
	}
}

/** The create-event action as the route runs it, counting how often the event was really created. */
function createEventAction(userId: string, values: Record<string, string>, runs: { count: number }) {
	return redirectOnce(newEventForm, userId, values, async () => {
		runs.count++;
		const created = await createEvent(userId, { name: String(values.name) });
		return `/events/${created.slug}`;
	});
}

describe('a form sent twice', () => {
	it('creates one event when both posts arrive at once, and sends both to it', async () => {
		const owner = await make.createUser();
		const values = { name: `Double Tap ${Date.now()}`, formToken: newFormToken() };
		const runs = { count: 0 };
		const [first, second] = await Promise.all([
			answer(createEventAction(owner.id, values, runs)),
			answer(createEventAction(owner.id, values, runs))
		]);
		expect(runs.count).toBe(1);
		expect(await db.event.count({ where: { ownerId: owner.id } })).toBe(1);
		const event = await db.event.findFirstOrThrow({ where: { ownerId: owner.id } });
		expect(first).toEqual({ status: 303, location: `/events/${event.slug}` });
		expect(second).toEqual(first);
	});

	it('sends a later repeat (a reload of the answer) to the same place without creating again', async () => {
		const owner = await make.createUser();
		const values = { name: 'Reloaded', formToken: newFormToken() };
		const runs = { count: 0 };
		const first = await answer(createEventAction(owner.id, values, runs));
		const again = await answer(createEventAction(owner.id, values, runs));
		expect(again).toEqual(first);
		expect(runs.count).toBe(1);
		expect(await db.event.count({ where: { ownerId: owner.id } })).toBe(1);
	});

	it('treats the same token with other values, another person or another action as another form', async () => {
		const owner = await make.createUser();
		const other = await make.createUser();
		const formToken = newFormToken();
		const runs = { count: 0 };
		const first = await answer(createEventAction(owner.id, { name: 'Alpha', formToken }, runs));
		// Back, changed the name, sent again: the person means a second event.
		const changed = await answer(createEventAction(owner.id, { name: 'Beta', formToken }, runs));
		const someoneElse = await answer(createEventAction(other.id, { name: 'Alpha', formToken }, runs));
		expect(runs.count).toBe(3);
		expect(changed.location).not.toBe(first.location);
		expect(someoneElse.location).not.toBe(first.location);
		const elsewhere = await answer(
			redirectOnce(action('/join'), owner.id, { name: 'Alpha', formToken }, async () => '/elsewhere')
		);
		expect(elsewhere.location).toBe('/elsewhere');
	});

	it('runs every post of a form without a token (scripts, pages rendered before the guard)', async () => {
		const owner = await make.createUser();
		const runs = { count: 0 };
		await answer(createEventAction(owner.id, { name: 'No Token' }, runs));
		await answer(createEventAction(owner.id, { name: 'No Token' }, runs));
		expect(runs.count).toBe(2);
		expect(await db.event.count({ where: { ownerId: owner.id } })).toBe(2);
	});

	it('lets a form that failed be sent again, and the repeat shows its own answer', async () => {
		const user = await make.createUser();
		const closed = await make.createEvent({ phase: 'closed' });
		const values = { code: closed.joinCode, formToken: newFormToken() };
		const join = () =>
			redirectOnce(action('/join'), user.id, values, async () => {
				const joined = await attempt(joinEventByCode(make.guesser(user.id), values.code), values);
				return joined.failure ?? `/events/${joined.value.slug}`;
			});
		const refused = await answer(join());
		expect(refused.status).toBe(409);
		expect(refused.data?.message).toMatch(/has ended/);

		// The owner reopens the event; the same form sent again now joins (it is not stuck on the refusal).
		await db.event.update({ where: { id: closed.id }, data: { phase: 'submission' } });
		expect(await answer(join())).toEqual({ status: 303, location: `/events/${closed.slug}` });
		expect(await db.eventAttendee.count({ where: { eventId: closed.id, userId: user.id } })).toBe(1);
	});

	it('gives a repeat that waited for a failed first post its own try', async () => {
		const owner = await make.createUser();
		const event = await make.createEvent({ phase: 'submission' });
		await make.addAttendee(event.id, owner.id);
		const values = { name: 'Robot', hoursSpent: '3', formToken: newFormToken() };
		let calls = 0;
		const submit = () =>
			redirectOnce(action('/events/[slug]/projects/new'), owner.id, values, async () => {
				// The first post is slow and then refused; the second finds the form free and runs.
				if (++calls === 1) {
					await new Promise((resolve) => setTimeout(resolve, 300));
					return fail(409, { message: 'Submissions are not open for this event.' });
				}
				const created = await createProject(owner.id, event.id, {
					name: values.name,
					description: undefined,
					hoursSpent: 3,
					demoUrl: 'https://robot.example.test'
				});
				return `/projects/${created.id}`;
			});
		const answers = await Promise.all([answer(submit()), answer(submit())]);
		expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
		expect(calls).toBe(2);
		expect(await db.project.count({ where: { ownerId: owner.id } })).toBe(1);
	});

	it('frees the form when the action fails unexpectedly', async () => {
		const owner = await make.createUser();
		const values = { name: 'Crash', formToken: newFormToken() };
		const boom = redirectOnce(newEventForm, owner.id, values, async () => {
			throw new Error('database went away');
		});
		await expect(boom).rejects.toThrow('database went away');
		const runs = { count: 0 };
		expect((await answer(createEventAction(owner.id, values, runs))).status).toBe(303);
		expect(runs.count).toBe(1);
	});

	it('tells a repeat whose first post never finished (a crashed instance) to check, instead of creating', async () => {
		const owner = await make.createUser();
		const values = { name: 'Lost Answer', formToken: newFormToken() };
		let release!: () => void;
		const stuck = new Promise<void>((resolve) => (release = resolve));
		let running!: () => void;
		const claimed = new Promise<void>((resolve) => (running = resolve));
		const first = redirectOnce(newEventForm, owner.id, values, async () => {
			running();
			await stuck; // the first post hangs for longer than a repeat waits (10 s)
			return '/events/never';
		});
		await claimed;
		const runs = { count: 0 };
		const repeat = await answer(createEventAction(owner.id, values, runs));
		expect(repeat.status).toBe(409);
		expect(repeat.data?.message).toMatch(/sent already.*reload this page/);
		expect(runs.count).toBe(0);
		release();
		expect(await answer(first)).toEqual({ status: 303, location: '/events/never' });
	}, 20_000);

	it('keeps neither the token nor what was typed, and forgets sent forms after a day', async () => {
		const owner = await make.createUser();
		const formToken = newFormToken();
		await answer(createEventAction(owner.id, { name: 'Secret Project X', formToken }, { count: 0 }));
		const rows = await db.formSubmission.findMany({ select: { key: true, location: true, createdAt: true } });
		for (const row of rows) {
			expect(row.key).toMatch(/^[0-9a-f]{64}$/);
			expect(row.key).not.toContain(formToken);
		}

		const old = new Date(Date.now() - FORM_SUBMISSION_TTL_MS - 60_000);
		await db.formSubmission.create({ data: { key: 'old-one', location: '/events/x', createdAt: old } });
		const kept = await db.formSubmission.count();
		expect(await pruneFormSubmissions()).toBe(1);
		expect(await db.formSubmission.count()).toBe(kept - 1);
		expect(await db.formSubmission.findUnique({ where: { key: 'old-one' } })).toBeNull();
	});
});
