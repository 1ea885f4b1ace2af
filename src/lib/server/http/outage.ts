import type { Handle, RequestEvent } from '@sveltejs/kit';
import { errorFromHandle } from './refusals';

// While the database is down (restarting, failing over, a network cut), requests answer 503 with "try
// again in a moment" instead of a generic 500: people and the ballot's retry logic can tell a passing
// outage from a fault, and a load balancer can hold traffic back.

export const OUTAGE_MESSAGE = 'Podium cannot reach its database right now. Try again in a moment.';
const RETRY_AFTER_SECONDS = '5';

// Driver adapter error kinds and Prisma codes that mean "no database", not "bad query".
const UNAVAILABLE_KINDS = new Set([
	'DatabaseNotReachable',
	'ConnectionClosed',
	'SocketTimeout',
	'TooManyConnections',
	'TlsConnectionError'
]);
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'ENOTFOUND',
	'EPIPE',
	'EHOSTUNREACH'
]);
// SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, crashed, not accepting yet),
// 53300 (too many connections).
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
// pg's own errors for a dropped or never-made connection carry no code.
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Can't reach database server/i;

interface ErrorLike {
	code?: unknown;
	kind?: unknown;
	message?: unknown;
	cause?: unknown;
	meta?: { driverAdapterError?: { cause?: unknown } };
}

/** Whether `error` (or what caused it) says the database could not be reached, rather than refused a query. */
export function isDatabaseUnavailable(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
		const e = current as ErrorLike;
		const code = typeof e.code === 'string' ? e.code : '';
		if (PRISMA_CODES.has(code) || NETWORK_CODES.has(code) || SQLSTATE.test(code)) return true;
		if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return true;
		if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
		current = e.meta?.driverAdapterError?.cause ?? e.cause;
	}
	return false;
}

// Requests whose error page handleError rendered because of an outage; their 500 becomes a 503.
const failedByOutage = new WeakSet<Request>();

/** For handleError: remembers that this request failed because the database is unreachable. */
export function noteOutage(event: RequestEvent, error: unknown): boolean {
	if (!isDatabaseUnavailable(error)) return false;
	failedByOutage.add(event.request);
	return true;
}

/**
 * Answers 503 with a Retry-After for requests that failed because the database is unreachable: errors
 * in loads and actions (rendered by SvelteKit, noted by handleError) and in the handles inside this one
 * (the session lookup).
 */
export const databaseOutage: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (e) {
		if (!isDatabaseUnavailable(e)) throw e;
		// An enhanced form post (every ballot: its sender is signed in, so the session lookup fails first)
		// gets the ActionResult its client reads, with the Retry-After it waits for. SvelteKit's answer to
		// an error thrown here would carry neither.
		return errorFromHandle(
			event,
			503,
			{ message: OUTAGE_MESSAGE, retry: true },
			{ 'retry-after': RETRY_AFTER_SECONDS, 'cache-control': 'no-store' }
		);
	}
	if (response.status !== 500 || !failedByOutage.has(event.request)) return response;
	const headers = new Headers(response.headers);
	headers.set('retry-after', RETRY_AFTER_SECONDS);
	headers.set('cache-control', 'no-store');
	return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers });
};
