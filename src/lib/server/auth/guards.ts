import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { findOwnedEvent, type OwnedEvent } from '../admin/access.ts';
import { orError } from '../rules.ts';
import { pathOf } from './redirect.ts';
import type { SessionUser } from './sessions.ts';
import { m } from '../../paraglide/messages.js';

/**
 * The signed-in user, with a completed profile. A signed-out visitor is sent to sign in, and one who
 * has not filled in the profile yet to the profile step; both come back to this page afterwards.
 * Call it in every load and action that needs a person, not only in a layout.
 */
export function requireUser(event: RequestEvent): SessionUser {
	const user = event.locals.user;
	const back = encodeURIComponent(pathOf(event.url));
	if (!user) redirect(303, `/sign-in?redirectTo=${back}`);
	if (!user.profileComplete) redirect(303, `/welcome?redirectTo=${back}`);
	return user;
}

/** The signed-in user whether or not the profile is complete: only for the profile step itself. */
export function requireSignedIn(event: RequestEvent): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, `/sign-in?redirectTo=${encodeURIComponent(pathOf(event.url))}`);
	return user;
}

// Role guards (requireEventOwner, ...) belong with their areas' rules and are added beside this one by
// the engineers of those areas, built on requireUser.

/**
 * The signed-in owner of the event at `slug` (or a platform admin), and that event (id, name, slug,
 * phase, join code). Anyone else gets a 403 (a 404 for a draft, which only its owner may know of); a visitor signs in first.
 * Call it in every load, action and endpoint of the event's admin pages.
 */
export async function requireEventOwner(
	event: RequestEvent,
	slug: string
): Promise<{ user: SessionUser; owned: OwnedEvent }> {
	const user = requireUser(event);
	return { user, owned: await orError(findOwnedEvent(user, slug)) };
}

/**
 * The signed-in platform admin: the one guard of everything under /admin. A visitor signs in first;
 * anyone else gets a 403. Call it in every load, action and endpoint there, not only in the layout.
 */
export function requirePlatformAdmin(event: RequestEvent): SessionUser {
	const user = requireUser(event);
	if (!user.isPlatformAdmin) error(403, m.server_platform_admins_only());
	return user;
}
