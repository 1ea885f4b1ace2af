import path from 'node:path';
import { isActionFailure, isHttpError, isRedirect, type RequestEvent } from '@sveltejs/kit';
import type { SessionUser } from '../../src/lib/server/auth/sessions';
import { db } from './db';
import * as make from './factories';

// Helpers of the people pages' tests: a platform admin, their audit rows, a snapshot of one person's
// rows, and calling a route's load, action or endpoint as SvelteKit would.

/** A new platform admin, as the session gives them (`admin`) and as the audit log names them (`actor`). */
export async function adminActor() {
	const user = await make.createUser({ firstName: 'Admin' });
	await db.user.update({ where: { id: user.id }, data: { platformAdminSince: new Date() } });
	const admin: SessionUser = {
		id: user.id,
		email: user.email,
		firstName: user.firstName,
		lastName: user.lastName,
		displayName: user.displayName,
		profileComplete: true,
		isPlatformAdmin: true
	};
	return { admin, actor: { id: user.id, displayName: user.displayName, email: user.email } };
}

/** The platform audit rows about a person, newest first. */
export function auditOf(userId: string) {
	return db.platformAuditLog.findMany({ where: { targetUserId: userId }, orderBy: { createdAt: 'desc' } });
}

/** Every row of or about these people, to prove that a refused action changed nothing. */
export async function snapshotOf(...userIds: string[]) {
	const ids = { in: userIds };
	return Promise.all([
		db.user.findMany({ where: { id: ids }, orderBy: { id: 'asc' } }),
		db.eventAttendee.findMany({ where: { userId: ids }, orderBy: [{ eventId: 'asc' }, { userId: 'asc' }] }),
		db.project.findMany({ where: { ownerId: ids }, orderBy: { id: 'asc' } }),
		db.projectCollaborator.findMany({
			where: { userId: ids },
			orderBy: [{ projectId: 'asc' }, { userId: 'asc' }]
		}),
		db.vote.findMany({ where: { voterId: ids }, orderBy: { id: 'asc' } }),
		db.referral.findMany({ where: { userId: ids }, orderBy: { id: 'asc' } }),
		db.event.findMany({ where: { ownerId: ids }, orderBy: { id: 'asc' } }),
		db.session.findMany({ where: { userId: ids }, orderBy: { id: 'asc' } }),
		db.platformAuditLog.count()
	]);
}

const routes = path.resolve('src/routes/admin');

/**
 * Runs a handler of a route under /admin ("people/[id]" and "reveal", "load" or "GET") as SvelteKit
 * would, and says what came of it: the returned value, `{ failure, data }` for fail(), `{ httpError }`
 * for error() and `{ redirect }` for redirect().
 */
export async function callRoute(
	subpath: string,
	handler: string,
	options: { id?: string; as?: SessionUser; body?: Record<string, string>; query?: string } = {}
): Promise<unknown> {
	const file = handler === 'GET' ? '+server.ts' : '+page.server.ts';
	const mod = (await import(path.join(routes, subpath, file))) as Record<string, unknown>;
	const run = (
		handler === 'load' || handler === 'GET' ? mod[handler] : (mod.actions as Record<string, unknown>)[handler]
	) as (event: RequestEvent) => Promise<unknown>;
	const params: Record<string, string> = options.id ? { id: options.id } : {};
	const url = new URL(
		`http://podium.test/admin/${subpath.replace('[id]', encodeURIComponent(options.id ?? ''))}${options.query ?? ''}`
	);
	const post = handler !== 'load' && handler !== 'GET';
	if (post) url.search = `?/${handler}`;
	const request = new Request(url, {
		method: post ? 'POST' : 'GET',
		...(post ? { body: new URLSearchParams(options.body ?? {}) } : {})
	});
	const event = {
		url,
		params,
		request,
		locals: { user: options.as ?? null, session: null },
		route: { id: `/admin/${subpath}` },
		cookies: { get: () => undefined, getAll: () => [], set: () => {}, delete: () => {}, serialize: () => '' },
		fetch,
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false,
		platform: undefined,
		parent: async () => ({}),
		depends: () => {},
		untrack: <T>(fn: () => T) => fn()
	} as unknown as RequestEvent;
	try {
		const value = await run(event);
		if (isActionFailure(value)) return { failure: value.status, data: value.data };
		return value;
	} catch (error) {
		if (isHttpError(error)) return { httpError: error.status, message: error.body.message };
		if (isRedirect(error)) return { redirect: error.location };
		throw error;
	}
}
