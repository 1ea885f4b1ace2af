import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isActionFailure, isHttpError, isRedirect, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/sessions';
import { describeDeletion } from '../../src/lib/server/platform/deletion';
import { planMerge } from '../../src/lib/server/platform/merge';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// Nobody but platform admins reaches anything under /admin: every load, action and endpoint there must
// send a visitor to sign in, refuse an attendee and an event owner with a 403, and change nothing for
// them; a platform admin gets through with the same request. This walks the route files, so a new page
// or action that forgets its guard fails here (and one without a form body below fails too, asking for one).

const adminRoot = path.resolve('src/routes/admin');
const HANDLER_FILES = new Set(['+page.server.ts', '+layout.server.ts', '+server.ts']);

function routeFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return routeFiles(full);
		return HANDLER_FILES.has(entry.name) ? [full] : [];
	});
}

type Scene = Awaited<ReturnType<typeof scene>>;

/**
 * A form body each action accepts from a platform admin, keyed "<subpath>:<action>" (subpath as the
 * route's folders below /admin, e.g. "people/[id]:reveal"): so a refusal is the guard's doing. It may
 * first set the scene up (before the "nothing changed" snapshot), e.g. delete the event it restores.
 */
const validBodies: Record<string, (s: Scene) => Record<string, string> | Promise<Record<string, string>>> = {
	'people:grant': (s) => ({ email: s.stranger.email }),
	'people:revoke': async (s) => {
		await db.user.update({ where: { id: s.stranger.id }, data: { platformAdminSince: new Date() } });
		return { email: s.stranger.email };
	},
	'people/[id]:reveal': () => ({}),
	'people/[id]:changeEmail': (s) => ({ email: `renamed-${s.attendee.id}@example.test` }),
	'people/[id]:merge': async (s) => ({
		keepEmail: s.stranger.email,
		fingerprint: (await planMerge(s.attendee.id, s.stranger.email)).fingerprint
	}),
	'people/[id]:signOut': () => ({}),
	'people/[id]:delete': async (s) => ({ fingerprint: (await describeDeletion(s.attendee.id)).fingerprint }),
	'people/[id]:grant': () => ({}),
	'people/[id]:revoke': async (s) => {
		await db.user.update({ where: { id: s.attendee.id }, data: { platformAdminSince: new Date() } });
		return {};
	},
	'events/[id]:transfer': (s) => ({ email: s.stranger.email, expectedOwnerId: s.owner.id }),
	'events/[id]:delete': () => ({ reason: 'Guard walk' }),
	'events/[id]:restore': async (s) => {
		await db.event.update({ where: { id: s.event.id }, data: { deletedAt: new Date() } });
		return {};
	},
	'events/[id]/purge:purge': async (s) => {
		await db.event.update({ where: { id: s.event.id }, data: { deletedAt: new Date() } });
		return { confirmName: s.event.name };
	},
	'fixes:addAttendee': (s) => ({
		event: s.event.slug,
		email: s.stranger.email,
		reason: 'Walk-in at the door'
	}),
	'fixes:removeAttendee': (s) => ({
		eventId: s.event.id,
		userId: s.teammate.id,
		seenProjects: '0',
		seenTeams: '1',
		seenVotes: '0',
		reason: 'Asked to leave'
	}),
	'fixes:addTeammate': (s) => ({
		project: s.others[0].joinCode,
		email: s.teammate.email,
		reason: 'Team change'
	}),
	'series:create': (s) => ({ name: `Guard walk series ${s.series.id}`, active: 'on' }),
	'series/[id]:update': (s) => ({ name: `Renamed series ${s.series.id}`, active: 'on' }),
	'series/[id]:addEvent': (s) => ({ slug: s.event.slug }),
	'series/[id]:removeEvent': async (s) => {
		await db.event.update({ where: { id: s.event.id }, data: { seriesId: s.series.id } });
		return { eventId: s.event.id };
	},
	'series/[id]:setFlagship': async (s) => {
		await db.event.update({ where: { id: s.event.id }, data: { seriesId: s.series.id } });
		return { eventId: s.event.id };
	},
	'series/[id]:delete': () => ({}),
	'maintenance:start': () => ({ message: 'Guard walk: back soon.' }),
	'maintenance:end': async () => {
		await db.maintenanceMode.upsert({
			where: { id: 1 },
			create: { id: 1, active: true, message: 'Guard walk' },
			update: { active: true, message: 'Guard walk' }
		});
		return {};
	},
	'fixes:removeTeammate': (s) => ({ project: s.project.id, email: s.teammate.email, reason: 'Team change' }),
	'fixes:setLegacyPoints': (s) => ({ projectId: s.project.id, from: '0', points: '5', reason: 'Old tally' }),
	'fixes:voidBallot': (s) => ({
		eventId: s.event.id,
		userId: s.attendee.id,
		seenVotes: s.others[0].id,
		seenSavedAt: '',
		reason: 'Voted from a shared laptop'
	})
};

/** The value of each route parameter in a scene, by the route's first folder below /admin. */
function paramsFor(subpath: string, s: Scene): Record<string, string> {
	const area = subpath.split('/')[0];
	const byArea: Record<string, Record<string, string>> = {
		people: { id: s.attendee.id },
		events: { id: s.event.id },
		series: { id: s.series.id },
		projects: { id: s.project.id }
	};
	return byArea[area] ?? {};
}

interface Handler {
	/** e.g. "people/[id] +page.server.ts load", "people/[id]:reveal", "exports/projects.csv GET". */
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
		const mod = (await import(file)) as Record<string, unknown>;
		const base = path.basename(file);
		if (typeof mod.load === 'function') {
			handlers.push({
				name: `${subpath} ${base} load`,
				subpath,
				method: 'GET',
				run: mod.load as Handler['run']
			});
		}
		for (const [action, run] of Object.entries((mod.actions ?? {}) as Record<string, Handler['run']>)) {
			handlers.push({ name: `${subpath}:${action}`, subpath, method: 'POST', action, run });
		}
		for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
			if (typeof mod[method] === 'function') {
				const run = mod[method] as Handler['run'];
				handlers.push({
					name: `${subpath} ${method}`,
					subpath,
					method: method === 'GET' ? 'GET' : 'POST',
					run
				});
			}
		}
	}
	return handlers;
}

function sessionUser(
	user: { id: string; email: string; firstName: string; lastName: string | null; displayName: string },
	isPlatformAdmin = false
): SessionUser {
	return { ...user, profileComplete: true, isPlatformAdmin };
}

/** Just enough of a RequestEvent for the guards and the handlers: the real thing SvelteKit passes. */
function requestEvent(handler: Handler, s: Scene, user: SessionUser | null, body?: Record<string, string>) {
	const params = paramsFor(handler.subpath, s);
	const subpath = handler.subpath.replace(/\[(\w+)\]/g, (_, name: string) => params[name]);
	const url = new URL(`http://podium.test/admin${subpath ? `/${subpath}` : ''}`);
	if (handler.action) url.search = `?/${handler.action}`;
	const init: RequestInit = { method: handler.method };
	if (body) init.body = new URLSearchParams(body);
	return {
		url,
		params,
		locals: { user, session: null },
		request: new Request(url, init),
		route: { id: `/admin${handler.subpath ? `/${handler.subpath}` : ''}` },
		cookies: { get: () => undefined, getAll: () => [], set: () => {}, delete: () => {}, serialize: () => '' },
		fetch,
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false,
		isRemoteRequest: false,
		platform: undefined,
		parent: async () => ({}),
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

/** Everything an admin action could change, to prove that a refused one changed nothing. */
async function snapshot() {
	const [
		users,
		events,
		attendees,
		projects,
		collaborators,
		votes,
		referrals,
		sessions,
		eventAudit,
		platformAudit
	] = await Promise.all([
		db.user.findMany({ orderBy: { id: 'asc' } }),
		db.event.findMany({ orderBy: { id: 'asc' } }),
		db.eventAttendee.findMany({ orderBy: [{ eventId: 'asc' }, { userId: 'asc' }] }),
		db.project.findMany({ orderBy: { id: 'asc' } }),
		db.projectCollaborator.count(),
		db.vote.findMany({ orderBy: { id: 'asc' } }),
		db.referral.count(),
		db.session.count(),
		db.eventAuditLog.count(),
		db.platformAuditLog.count()
	]);
	return {
		users,
		events,
		attendees,
		projects,
		collaborators,
		votes,
		referrals,
		sessions,
		eventAudit,
		platformAudit
	};
}

let scenes = 0;
/** An event in voting with projects, a team and votes; its owner, an attendee, and a platform admin. */
async function scene() {
	const n = ++scenes;
	const owner = await make.createUser({ firstName: 'Owner', email: `p-owner-${n}@example.test` });
	const event = await make.createEvent({ ownerId: owner.id, name: `Programme ${n}`, phase: 'voting' });
	const attendee = await make.createUser({ firstName: 'Attendee', email: `p-attendee-${n}@example.test` });
	await make.addAttendee(event.id, attendee.id);
	const project = await make.createProject(event.id, { ownerId: attendee.id });
	const teammate = await make.createUser({ firstName: 'Teammate', email: `p-teammate-${n}@example.test` });
	await make.addAttendee(event.id, teammate.id);
	await make.addCollaborator(project.id, teammate.id);
	const others = await Promise.all([1, 2, 3].map(() => make.createProject(event.id)));
	await make.createVote(attendee.id, others[0].id);
	await make.createVote(others[1].ownerId, project.id);
	const admin = await make.createUser({ firstName: 'Admin', email: `p-admin-${n}@example.test` });
	await db.user.update({ where: { id: admin.id }, data: { platformAdminSince: new Date() } });
	const stranger = await make.createUser({ firstName: 'Stranger', email: `p-stranger-${n}@example.test` });
	const series = await db.series.create({ data: { name: `Programme series ${n} ${event.id}` } });
	return { owner, event, attendee, teammate, project, others, admin, stranger, series };
}

const handlers = await collectHandlers();

describe('the platform admin area', () => {
	it('has the pages this test expects, and a valid form body here for every action', () => {
		expect(handlers.map((h) => h.name)).toEqual(
			expect.arrayContaining([' +layout.server.ts load', ' +page.server.ts load'])
		);
		for (const handler of handlers.filter((h) => h.action)) {
			expect(validBodies[handler.name], `a valid form body for ${handler.name} in this test`).toBeDefined();
		}
	});

	describe.each(handlers.map((h) => [h.name, h] as const))('%s', (_name, handler) => {
		it('refuses a visitor, an attendee and an event owner, changing nothing; a platform admin gets through', async () => {
			const s = await scene();
			const body = handler.action ? await validBodies[handler.name](s) : undefined;
			const before = await snapshot();

			const signedOut = await outcome(() => handler.run(requestEvent(handler, s, null, body)));
			expect(isRedirect(signedOut.error), 'a visitor is sent to sign in').toBe(true);
			if (isRedirect(signedOut.error)) expect(signedOut.error.location).toMatch(/^\/sign-in\?redirectTo=/);

			for (const intruder of [s.attendee, s.owner]) {
				const refused = await outcome(() =>
					handler.run(requestEvent(handler, s, sessionUser(intruder), body))
				);
				expect(isHttpError(refused.error, 403), `${intruder.firstName} gets a 403`).toBe(true);
			}
			expect(await snapshot()).toEqual(before);

			// The same request from a platform admin succeeds: the refusals above came from the guard.
			const allowed = await outcome(() =>
				handler.run(requestEvent(handler, s, sessionUser(s.admin, true), body))
			);
			if (allowed.error) expect(isRedirect(allowed.error), String(allowed.error)).toBe(true);
			else expect(isActionFailure(allowed.value), JSON.stringify(allowed.value)).toBe(false);
			if (handler.action) expect(await snapshot()).not.toEqual(before);
			if (handler.method === 'GET' && allowed.value instanceof Response) {
				expect(allowed.value.status).toBe(200);
				await allowed.value.body?.cancel();
			}
		});
	});

	it('stops at once for someone whose role was revoked: the role is read on every request', async () => {
		const s = await scene();
		await db.user.update({ where: { id: s.admin.id }, data: { platformAdminSince: null } });
		const { validateSessionToken, createSession } = await import('../../src/lib/server/auth/sessions');
		const { token } = await createSession(s.admin.id);
		const { user } = await validateSessionToken(token);
		expect(user?.isPlatformAdmin).toBe(false);
		const dashboard = handlers.find((h) => h.name === ' +page.server.ts load')!;
		const refused = await outcome(() => dashboard.run(requestEvent(dashboard, s, user)));
		expect(isHttpError(refused.error, 403)).toBe(true);
	});
});
