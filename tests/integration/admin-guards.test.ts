import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isActionFailure, isHttpError, isRedirect, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/sessions';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// Every load, action and endpoint under the admin area must refuse anyone but the event's owner and
// change nothing for them. This walks the route files, so a new page or action that forgets its guard
// fails here (and one without a test body below fails too, asking for one).

const adminRoot = path.resolve('src/routes/events/[slug]/admin');
const HANDLER_FILES = new Set(['+page.server.ts', '+layout.server.ts', '+server.ts']);

function routeFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return routeFiles(full);
		return HANDLER_FILES.has(entry.name) ? [full] : [];
	});
}

type Scene = Awaited<ReturnType<typeof scene>>;

/** A form body that the action would accept from the owner: so a refusal is the guard's doing. */
const validBodies: Record<string, (s: Scene) => Record<string, string>> = {
	'/:save': () => ({
		name: 'Renamed',
		description: 'Changed',
		demoLinksOptional: 'on',
		featureFlags: 'daydream'
	}),
	'/:saveShortlist': () => ({ threshold: '40', size: '10' }),
	'/:saveSchedule': () => ({
		timeZone: 'Europe/Paris',
		startsAt: '2030-05-01T09:00',
		endsAt: '2030-05-02T18:00'
	}),
	'/:saveListing': () => ({ place: 'Shelburne, VT', listedInDirectory: 'on', piiRequired: 'on' }),
	'/:changePhase': () => ({ phase: 'closed' }),
	'/:deleteEvent': (s) => ({ confirmName: s.event.name }),
	'/joining:regenerate': () => ({ confirm: 'on' }),
	'/attendees:remove': (s) => ({ userId: s.attendee.id, removeProjects: 'on', removeVotes: 'on' }),
	'/attendees:issueCode': (s) => ({ email: s.attendee.email }),
	'/projects:remove': (s) => ({ projectId: s.project.id, confirm: 'on' }),
	'/projects:saveChecks': () => ({ repoCheck: 'none', demoCheck: 'none' }),
	'/projects:recheck': (s) => ({ projectId: s.project.id }),
	'/review:void': (s) => ({ voterId: s.attendee.id, reason: 'Voted from two accounts.' })
};

interface Handler {
	/** e.g. "/attendees load", "/attendees:remove", "/results/votes.csv GET". */
	name: string;
	subpath: string;
	method: 'GET' | 'POST';
	action?: string;
	run: (event: RequestEvent) => Promise<unknown>;
}

async function collectHandlers(): Promise<Handler[]> {
	const handlers: Handler[] = [];
	for (const file of routeFiles(adminRoot)) {
		const subpath = path.relative(adminRoot, path.dirname(file)).split(path.sep).join('/');
		const route = `/${subpath}`;
		const mod = (await import(file)) as Record<string, unknown>;
		const base = path.basename(file);
		if (typeof mod.load === 'function') {
			const load = mod.load as Handler['run'];
			handlers.push({ name: `${route} ${base} load`, subpath, method: 'GET', run: load });
		}
		for (const [action, run] of Object.entries((mod.actions ?? {}) as Record<string, Handler['run']>)) {
			handlers.push({
				name: `${route === '/' ? '/' : route}:${action}`,
				subpath,
				method: 'POST',
				action,
				run
			});
		}
		for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
			if (typeof mod[method] === 'function') {
				const run = mod[method] as Handler['run'];
				handlers.push({
					name: `${route} ${method}`,
					subpath,
					method: method === 'GET' ? 'GET' : 'POST',
					run
				});
			}
		}
	}
	return handlers;
}

function sessionUser(user: {
	id: string;
	email: string;
	firstName: string;
	lastName: string | null;
	displayName: string;
}): SessionUser {
	return { ...user, profileComplete: true, isPlatformAdmin: false };
}

/** Just enough of a RequestEvent for the guards and the handlers: the real thing SvelteKit passes. */
function requestEvent(
	handler: Handler,
	slug: string,
	user: SessionUser | null,
	body?: Record<string, string>
) {
	const url = new URL(
		`http://podium.test/events/${slug}/admin${handler.subpath ? `/${handler.subpath}` : ''}`
	);
	if (handler.action) url.search = `?/${handler.action}`;
	const init: RequestInit = { method: handler.method };
	if (body) init.body = new URLSearchParams(body);
	return {
		url,
		params: { slug },
		locals: { user, session: null },
		request: new Request(url, init),
		route: { id: `/events/[slug]/admin${handler.subpath ? `/${handler.subpath}` : ''}` },
		cookies: { get: () => undefined, getAll: () => [], set: () => {}, delete: () => {}, serialize: () => '' },
		fetch,
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false,
		isRemoteRequest: false,
		platform: undefined,
		parent: async () => ({ admin: { name: '', slug, phase: 'voting' } }),
		depends: () => {},
		untrack: <T>(fn: () => T) => fn(),
		tracing: { enabled: false, root: undefined, current: undefined }
	} as unknown as RequestEvent;
}

async function outcome(work: () => Promise<unknown>) {
	try {
		return { value: await work() };
	} catch (error) {
		return { error };
	}
}

async function snapshot() {
	const [events, attendees, projects, collaborators, votes, referrals, audit, designs, codes, checks] =
		await Promise.all([
			db.event.findMany({ orderBy: { id: 'asc' } }),
			db.eventAttendee.findMany({ orderBy: [{ eventId: 'asc' }, { userId: 'asc' }] }),
			db.project.findMany({ orderBy: { id: 'asc' } }),
			db.projectCollaborator.count(),
			db.vote.findMany({ orderBy: { id: 'asc' } }),
			db.referral.count(),
			db.eventAuditLog.count(),
			db.ballotDesign.findMany({ orderBy: { eventId: 'asc' } }),
			db.signInCode.count(),
			// When checks were asked for (their outcomes arrive in the background, after the request).
			db.projectCheck.findMany({
				select: { projectId: true, requestedAt: true },
				orderBy: { projectId: 'asc' }
			})
		]);
	return { events, attendees, projects, collaborators, votes, referrals, audit, designs, codes, checks };
}

let scenes = 0;
/** An event in voting with 4 projects and votes, an attendee, and the owner of another event. */
async function scene() {
	const n = ++scenes;
	const owner = await make.createUser({ firstName: 'Owner', email: `owner-${n}@example.test` });
	const event = await make.createEvent({ ownerId: owner.id, name: `Guarded ${n}`, phase: 'voting' });
	// A link check, so that "Check again" has something to do: example.test links are not itch.io
	// pages, so it concludes without a request.
	await db.event.update({ where: { id: event.id }, data: { demoCheck: 'itch_playable' } });
	const attendee = await make.createUser({ firstName: 'Attendee', email: `attendee-${n}@example.test` });
	const project = await make.createProject(event.id, { ownerId: attendee.id });
	const others = await Promise.all([1, 2, 3].map(() => make.createProject(event.id)));
	await make.createVote(attendee.id, others[0].id);
	await make.createVote(others[1].ownerId, project.id);
	await db.referral.create({ data: { eventId: event.id, userId: attendee.id, content: 'A friend' } });
	const otherOwner = await make.createUser({ firstName: 'Other', email: `other-${n}@example.test` });
	await make.createEvent({ ownerId: otherOwner.id });
	return { owner, event, attendee, project, otherOwner };
}

const handlers = await collectHandlers();

describe('the admin area', () => {
	it('has the pages, actions and downloads this test expects to find', () => {
		const names = handlers.map((h) => h.name);
		expect(names).toEqual(
			expect.arrayContaining([
				'/ +layout.server.ts load',
				'/ +page.server.ts load',
				'/:save',
				'/:changePhase',
				'/:deleteEvent',
				'/joining:regenerate',
				'/joining/qr.svg GET',
				'/joining/print +page.server.ts load',
				'/attendees:remove',
				'/projects:remove',
				'/votes +page.server.ts load',
				'/referrals +page.server.ts load',
				'/turnout +page.server.ts load',
				'/review +page.server.ts load',
				'/review:void',
				'/results +page.server.ts load',
				'/results/results.csv GET',
				'/results/attendees.csv GET',
				'/results/votes.csv GET',
				'/activity +page.server.ts load'
			])
		);
		for (const handler of handlers.filter((h) => h.action)) {
			expect(validBodies[handler.name], `a valid form body for ${handler.name} in this test`).toBeDefined();
		}
	});

	describe.each(handlers.map((h) => [h.name, h] as const))('%s', (_name, handler) => {
		it('refuses a visitor, an attendee and another event’s owner, changing nothing; the owner gets through', async () => {
			const s = await scene();
			const body = handler.action ? validBodies[handler.name](s) : undefined;
			const before = await snapshot();

			const signedOut = await outcome(() => handler.run(requestEvent(handler, s.event.slug, null, body)));
			expect(isRedirect(signedOut.error), 'a visitor is sent to sign in').toBe(true);
			if (isRedirect(signedOut.error)) expect(signedOut.error.location).toMatch(/^\/sign-in\?redirectTo=/);

			for (const intruder of [s.attendee, s.otherOwner]) {
				const refused = await outcome(() =>
					handler.run(requestEvent(handler, s.event.slug, sessionUser(intruder), body))
				);
				expect(isHttpError(refused.error, 403), `${intruder.firstName} gets a 403`).toBe(true);
			}
			expect(await snapshot()).toEqual(before);

			// The same request from the owner succeeds: the refusals above came from the owner guard.
			const allowed = await outcome(() =>
				handler.run(requestEvent(handler, s.event.slug, sessionUser(s.owner), body))
			);
			if (allowed.error) expect(isRedirect(allowed.error), String(allowed.error)).toBe(true);
			else expect(isActionFailure(allowed.value), JSON.stringify(allowed.value)).toBe(false);
			if (handler.action) expect(await snapshot()).not.toEqual(before);
			if (handler.method === 'GET' && allowed.value instanceof Response)
				expect(allowed.value.status).toBe(200);
		});
	});

	it('hides a draft event’s admin pages from others as if it did not exist', async () => {
		const s = await scene();
		await db.event.update({ where: { id: s.event.id }, data: { phase: 'draft' } });
		for (const handler of handlers) {
			const body = handler.action ? validBodies[handler.name](s) : undefined;
			const refused = await outcome(() =>
				handler.run(requestEvent(handler, s.event.slug, sessionUser(s.attendee), body))
			);
			expect(isHttpError(refused.error, 404), handler.name).toBe(true);
		}
	});
});
