import { Duplex } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import type { Handle } from '@sveltejs/kit';

// Pages and their JSON are compressed by the app itself, so that `npm start` without a proxy is as
// light on a venue's slow Wi-Fi as behind nginx. Event streams must reach the browser event by event,
// and downloads (CSV) stream row by row: those go out as they are. Build assets (JS, CSS) are served
// precompressed by adapter-node (`precompress` in svelte.config.js), outside this handle.
const COMPRESSIBLE = /^(text\/html|application\/json|text\/plain|image\/svg\+xml)\b/i;
// Below this a compressed body is hardly smaller and costs a round of work per request.
const MIN_BYTES = 1024;

/** The encoding to answer with: brotli if the client takes it, else gzip, else none. */
export function chooseEncoding(acceptEncoding: string | null): 'br' | 'gzip' | null {
	const accepted = new Map<string, number>();
	for (const part of (acceptEncoding ?? '').split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (!name) continue;
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const weight = q === undefined ? 1 : Number(q.slice(2));
		accepted.set(name, Number.isFinite(weight) ? weight : 0);
	}
	const wants = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
	if (wants('br')) return 'br';
	if (wants('gzip')) return 'gzip';
	return null;
}

function compressor(encoding: 'br' | 'gzip') {
	// Brotli quality 5 and gzip level 6: nearly the best size at a fraction of the maximum's CPU.
	const stream =
		encoding === 'br'
			? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
			: createGzip({ level: 6 });
	return Duplex.toWeb(stream) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** Compresses HTML and JSON responses with brotli or gzip when the request accepts it. */
export const compressResponses: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const type = response.headers.get('content-type') ?? '';
	if (!response.body || event.request.method === 'HEAD' || !COMPRESSIBLE.test(type)) return response;
	if (response.headers.has('content-encoding') || response.status === 204 || response.status === 304) {
		return response;
	}
	const length = Number(response.headers.get('content-length') ?? NaN);
	if (length < MIN_BYTES) return response;
	const encoding = chooseEncoding(event.request.headers.get('accept-encoding'));
	const headers = new Headers(response.headers);
	headers.append('vary', 'Accept-Encoding');
	if (!encoding)
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	headers.set('content-encoding', encoding);
	headers.delete('content-length');
	// A strong ETag names the uncompressed bytes; the compressed body gets a weak one.
	const etag = headers.get('etag');
	if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
	return new Response(response.body.pipeThrough(compressor(encoding)), {
		status: response.status,
		statusText: response.statusText,
		headers
	});
};
