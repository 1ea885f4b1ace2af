import type { Handle } from '@sveltejs/kit';
import { readTheme } from './appearance/theme.ts';
import { SESSION_COOKIE } from './auth/sessions.ts';
import { requestedLocale } from './i18n/locale.ts';

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

// Bounded by count and by bytes: the key includes the query string, so a visitor could otherwise fill
// the memory with copies of a 1 MB leaderboard (`?a=1`, `?a=2`, ...). Oldest first out.
const MAX_ENTRIES = 500;
const MAX_BYTES = 32 * 1024 * 1024;
// A page bigger than this is rendered for each visitor rather than crowding out the rest.
const MAX_ENTRY_BYTES = MAX_BYTES / 8;
const entries = new Map<string, Entry>();
let bytes = 0;

function publicMaxAge(response: Response): number {
	const header = response.headers.get('cache-control') ?? '';
	if (!/\bpublic\b/.test(header)) return 0;
	return Number(/\bmax-age=(\d+)/.exec(header)?.[1] ?? 0);
}

function remove(key: string) {
	const entry = entries.get(key);
	if (!entry) return;
	bytes -= entry.body.byteLength;
	entries.delete(key);
}

/** Makes room for `size` more bytes: the expired entries go, then the oldest. */
function makeRoom(size: number, now: number) {
	if (entries.size < MAX_ENTRIES && bytes + size <= MAX_BYTES) return;
	for (const [key, entry] of entries) if (entry.expires <= now) remove(key);
	for (const key of entries.keys()) {
		if (entries.size < MAX_ENTRIES && bytes + size <= MAX_BYTES) break;
		remove(key);
	}
}

/** What the cache holds now: entries and bytes (metrics, tests). */
export function responseCacheSize() {
	return { entries: entries.size, bytes };
}

/** Serves signed-out GETs of publicly cacheable pages from memory while they are fresh. */
export const publicResponseCache: Handle = async ({ event, resolve }) => {
	if (event.request.method !== 'GET' || event.cookies.get(SESSION_COOKIE) !== undefined) {
		return resolve(event);
	}
	// The page is rendered in the visitor's theme (src/lib/server/appearance/theme.ts): one entry per theme.
	const key = `${readTheme(event.cookies)} ${requestedLocale(event.request)} ${event.url.pathname}${event.url.search}`;
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
	if (body.byteLength <= MAX_ENTRY_BYTES) {
		remove(key);
		makeRoom(body.byteLength, now);
		entries.set(key, { expires: now + maxAge * 1000, status: response.status, headers, body });
		bytes += body.byteLength;
	}
	return new Response(body, { status: response.status, headers });
};
