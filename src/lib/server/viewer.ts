import type { RequestEvent } from '@sveltejs/kit';

const COOKIE = 'podium_viewer';

/**
 * A key for per-viewer shuffles: the user's id, or for a signed-out visitor a random id kept in a
 * cookie, so that each visitor sees a stable order and different visitors see different ones.
 */
export function viewerKey(event: RequestEvent): string {
	if (event.locals.user) return event.locals.user.id;
	let key = event.cookies.get(COOKIE);
	if (!key) {
		key = crypto.randomUUID();
		event.cookies.set(COOKIE, key, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			maxAge: 60 * 60 * 24 * 365
		});
	}
	return key;
}
