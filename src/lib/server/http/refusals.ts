import { error, json, type RequestEvent } from '@sveltejs/kit';
import { log, noteRefusal } from '../log';

/** A request the client got wrong: the status to answer with and a sentence saying what to fix. */
export interface Refusal {
	status: number;
	message: string;
}

/** A client error as one log line: method, path (never the query: it may hold a sign-in token), status, message. */
export function clientErrorLine(method: string, path: string, status: number, message: string): string {
	// Control characters (a newline in a field name, say) would split the line or forge another one.
	// eslint-disable-next-line no-control-regex -- matching control characters is the point
	const flat = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
	return `${method} ${flat(path)} → ${status} ${flat(message)}`;
}

/**
 * Logs a client error in one line, without a stack: the request was wrong, not the server. While the
 * request is being handled the reason goes into its access line (src/lib/server/http/observe.ts).
 */
export function logClientError(event: RequestEvent, status: number, message: string): void {
	if (noteRefusal(message)) return;
	log.warn(
		{ method: event.request.method, path: event.url.pathname, status },
		clientErrorLine(event.request.method, event.url.pathname, status, message)
	);
}

/**
 * Answers a refused request from a handle. An enhanced form (use:enhance) reads an ActionResult: SvelteKit
 * would answer an error thrown here with `{ message }`, which that client silently ignores, so it gets
 * `{ type: 'error', error }`, and shows the error page with the message, as for an error thrown in an
 * action. Everything else gets SvelteKit's own answer to `error()`: JSON for scripts, a page for browsers.
 */
export function refuse(event: RequestEvent, { status, message }: Refusal): Response {
	logClientError(event, status, message);
	return errorFromHandle(event, status, { message });
}

/**
 * An error answered from a handle: the ActionResult an enhanced form reads (with `headers`), else
 * SvelteKit's own answer to `error()` (which cannot carry headers).
 */
export function errorFromHandle(
	event: RequestEvent,
	status: number,
	body: App.Error,
	headers: Record<string, string> = {}
): Response {
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'error', error: body }, { status, headers });
	}
	error(status, body);
}
