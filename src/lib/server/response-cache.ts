import type { Handle } from '@sveltejs/kit';
import { readTheme } from './appearance/theme.ts';
import { SESSION_COOKIE } from './auth/sessions.ts';

// A page that says `Cache-Control: public, max-age=N` is the same for every signed-out visitor for N
// seconds, so this process keeps it that long instead of rendering it again: the public leaderboard,
// opened by a whole venue at once when results come out. It is what a caching proxy in front of the app
// would do, built in. Signed-in requests, other methods and responses that set cookies are never cached.

interface Entry {
	expires: number;
	status: number;
	headers: [string, string][];
	body: ArrayBuffer;
}

const MAX_ENTRIES = 500;
const entries = new Map<string, Entry>();

function publicMaxAge(response: Response): number {
	const header = response.headers.get('cache-control') ?? '';
	if (!/\bpublic\b/.test(header)) return 0;
	return Number(/\bmax-age=(\d+)/.exec(header)?.[1] ?? 0);
}

function evictExpired(now: number) {
	for (const [key, entry] of entries) if (entry.expires <= now) entries.delete(key);
	if (entries.size >= MAX_ENTRIES) entries.clear();
}

/** Serves signed-out GETs of publicly cacheable pages from memory while they are fresh. */
export const publicResponseCache: Handle = async ({ event, resolve }) => {
	if (event.request.method !== 'GET' || event.cookies.get(SESSION_COOKIE) !== undefined) {
		return resolve(event);
	}
	// The page is rendered in the visitor's theme (src/lib/server/appearance/theme.ts): one entry per theme.
	const key = `${readTheme(event.cookies)} ${event.url.pathname}${event.url.search}`;
	const now = Date.now();
	const hit = entries.get(key);
	if (hit && hit.expires > now) {
		return new Response(hit.body, { status: hit.status, headers: hit.headers });
	}
	const response = await resolve(event);
	const maxAge = publicMaxAge(response);
	if (response.status !== 200 || maxAge <= 0 || response.headers.has('set-cookie')) return response;
	const body = await response.arrayBuffer();
	const headers = [...response.headers];
	if (entries.size >= MAX_ENTRIES) evictExpired(now);
	entries.set(key, { expires: now + maxAge * 1000, status: response.status, headers, body });
	return new Response(body, { status: response.status, headers });
};
