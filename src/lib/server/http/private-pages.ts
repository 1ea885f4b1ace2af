import type { Handle } from '@sveltejs/kit';

/**
 * The Cache-Control of a response rendered for a signed-in person. A route that already forbids
 * storing keeps what else it says (no-cache, must-revalidate, …); anything that allowed storing
 * (public, max-age) gives way.
 */
export function privateNoStore(current: string | null): string {
	const directives = (current ?? '')
		.split(',')
		.map((directive) => directive.trim().toLowerCase())
		.filter(Boolean);
	if (!directives.includes('no-store')) return 'private, no-store';
	return ['private', ...directives.filter((d) => d !== 'public' && d !== 'private')].join(', ');
}

/**
 * Every response for a signed-in person (the session handle set `locals.user`) says `private,
 * no-store`: pages carry their name, profiles their address and birth date, admin pages attendees'
 * emails, and neither a shared proxy nor the browser's disk cache may keep them.
 */
export const privateWhenSignedIn: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (event.locals.user) {
		response.headers.set('cache-control', privateNoStore(response.headers.get('cache-control')));
	}
	return response;
};
