import type { Handle } from '@sveltejs/kit';
import { readTheme } from './appearance/theme.ts';
import { SESSION_COOKIE } from './auth/sessions.ts';
import { compressBytes, compressedHeaders, compressionOf } from './http/compression.ts';
import { isSharedResponse } from './http/shared-response.ts';
import { requestedLocale } from './i18n/locale.ts';

// A page that says `Cache-Control: public, max-age=N` is the same for every signed-out visitor for N
// seconds, so this process keeps it that long instead of rendering it again: the public leaderboard,
// opened by a whole venue at once when results come out. It is what a caching proxy in front of the app
// would do, built in. Signed-in requests, other methods and responses that set cookies are never cached.

interface Entry {
	expires: number;
	status: number;
	/** Read on every hit, never changed: each Response copies it. */
	headers: Headers;
	body: ArrayBuffer;
	/** The body compressed for clients that take brotli or gzip, made on the first such request. */
	encoded: Partial<Record<'br' | 'gzip', { body: Uint8Array<ArrayBuffer>; headers: Headers }>>;
	/** The bytes it holds: the body and its compressed copies. */
	size: number;
}

// Bounded by count and by bytes: the key includes the query string, so a visitor could otherwise fill
// the memory with copies of a 1 MB leaderboard (`?a=1`, `?a=2`, ...). Oldest first out.
const MAX_ENTRIES = 500;
const MAX_BYTES = 32 * 1024 * 1024;
// A page bigger than this is rendered for each visitor rather than crowding out the rest.
const MAX_ENTRY_BYTES = MAX_BYTES / 8;
const entries = new Map<string, Entry>();
let bytes = 0;
// The renders under way of pages whose kept copy has just expired, by key: the requests that come while
// one renders wait for it rather than each rendering the same page (what a proxy's cache lock does).
// Without it, each time the leaderboard's second ran out, the hundred viewers asking at that moment all
// rendered it (its p95 was 250–320 ms at 1,100–1,700 views a second). Only a page kept before is waited
// for: one that may not be shareable (a sign-in page) is never held up by another visitor's render.
// Undefined when what was rendered cannot be shared (not a public 200, or it sets a cookie).
const rendering = new Map<string, Promise<Entry | undefined>>();

function publicMaxAge(response: Response): number {
	if (!isSharedResponse(response)) return 0;
	return Number(/\bmax-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1] ?? 0);
}

function remove(key: string) {
	const entry = entries.get(key);
	if (!entry) return;
	bytes -= entry.size;
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

/**
 * The kept page as `request` takes it. Compressing it once per entry rather than once per request (as
 * `compressResponses` would) is most of what a hit costs: the leaderboard of a 500-project event is
 * 300 KB of HTML.
 */
function answer(key: string, entry: Entry, request: Request): Response {
	const encoding = compressionOf(request, {
		status: entry.status,
		headers: entry.headers,
		hasBody: true
	})?.encoding;
	let encoded = encoding ? entry.encoded[encoding] : undefined;
	// Only a kept entry keeps its compressed copies, and only while they fit.
	if (encoding && !encoded && entries.get(key) === entry) {
		const body = compressBytes(entry.body, encoding);
		if (bytes + body.byteLength <= MAX_BYTES) {
			encoded = entry.encoded[encoding] = { body, headers: compressedHeaders(entry.headers, encoding) };
			entry.size += body.byteLength;
			bytes += body.byteLength;
		}
	}
	// Otherwise `compressResponses` compresses it on the way out, as any page.
	if (!encoded) return new Response(entry.body, { status: entry.status, headers: entry.headers });
	return new Response(encoded.body, { status: entry.status, headers: encoded.headers });
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
	if (hit && hit.expires > now) return answer(key, hit, event.request);
	const pending = rendering.get(key);
	if (pending) {
		const shared = await pending;
		return shared ? answer(key, shared, event.request) : resolve(event);
	}
	let settle: (entry: Entry | undefined) => void = () => {};
	if (hit) rendering.set(key, new Promise((done) => (settle = done)));
	try {
		const response = await resolve(event);
		const maxAge = publicMaxAge(response);
		if (response.status !== 200 || maxAge <= 0 || response.headers.has('set-cookie')) {
			settle(undefined);
			return response;
		}
		const body = await response.arrayBuffer();
		const entry: Entry = {
			expires: now + maxAge * 1000,
			status: response.status,
			headers: new Headers(response.headers),
			body,
			encoded: {},
			size: body.byteLength
		};
		if (body.byteLength <= MAX_ENTRY_BYTES) {
			remove(key);
			makeRoom(body.byteLength, now);
			entries.set(key, entry);
			bytes += body.byteLength;
		}
		settle(entry);
		return new Response(body, { status: entry.status, headers: entry.headers });
	} catch (error) {
		settle(undefined);
		throw error;
	} finally {
		if (hit) rendering.delete(key);
	}
};
