import { Duplex } from 'node:stream';
import { brotliCompressSync, constants, createBrotliCompress, createGzip, gzipSync } from 'node:zlib';
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

// Brotli quality 5 and gzip level 6: nearly the best size at a fraction of the maximum's CPU.
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };
const GZIP = { level: 6 };

function compressor(encoding: 'br' | 'gzip') {
	const stream = encoding === 'br' ? createBrotliCompress(BROTLI) : createGzip(GZIP);
	return Duplex.toWeb(stream) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** Compresses a whole body at once, as `compressResponses` would stream it (the response cache's copies). */
export function compressBytes(body: ArrayBuffer, encoding: 'br' | 'gzip'): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(body);
	// Copied out of zlib's pooled buffer into one of its own, which a Response takes as its body.
	return new Uint8Array(encoding === 'br' ? brotliCompressSync(bytes, BROTLI) : gzipSync(bytes, GZIP));
}

/**
 * Whether a response is compressed for `request`: an HTML, JSON, text or SVG body of 1 KB or more, not
 * compressed already. Null: it goes as it is (see `compressedHeaders` for the `Vary` it still needs).
 */
export function compressionOf(
	request: Request,
	response: { status: number; headers: Headers; hasBody: boolean }
): { encoding: 'br' | 'gzip' | null } | null {
	const type = response.headers.get('content-type') ?? '';
	if (!response.hasBody || request.method === 'HEAD' || !COMPRESSIBLE.test(type)) return null;
	if (response.headers.has('content-encoding') || response.status === 204 || response.status === 304) {
		return null;
	}
	const length = Number(response.headers.get('content-length') ?? NaN);
	if (length < MIN_BYTES) return null;
	return { encoding: chooseEncoding(request.headers.get('accept-encoding')) };
}

/** The headers of a compressible response sent with `encoding` (or uncompressed: null). */
export function compressedHeaders(original: Headers, encoding: 'br' | 'gzip' | null): Headers {
	const headers = new Headers(original);
	headers.append('vary', 'Accept-Encoding');
	if (!encoding) return headers;
	headers.set('content-encoding', encoding);
	headers.delete('content-length');
	// A strong ETag names the uncompressed bytes; the compressed body gets a weak one.
	const etag = headers.get('etag');
	if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
	return headers;
}

/** Compresses HTML and JSON responses with brotli or gzip when the request accepts it. */
export const compressResponses: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const compression = compressionOf(event.request, {
		status: response.status,
		headers: response.headers,
		hasBody: response.body !== null
	});
	if (!compression || !response.body) return response;
	const { encoding } = compression;
	const headers = compressedHeaders(response.headers, encoding);
	if (!encoding)
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	return new Response(response.body.pipeThrough(compressor(encoding)), {
		status: response.status,
		statusText: response.statusText,
		headers
	});
};
