import type { RequestEvent } from '@sveltejs/kit';

/** A client error as one log line: method, path (never the query: it may hold a sign-in token), status, message. */
export function clientErrorLine(method: string, path: string, status: number, message: string): string {
	// Control characters (a newline in a field name, say) would split the line or forge another one.
	// eslint-disable-next-line no-control-regex -- matching control characters is the point
	const flat = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
	return `${method} ${flat(path)} → ${status} ${flat(message)}`;
}

/** Logs a client error in one line, without a stack: the request was wrong, not the server. */
export function logClientError(event: RequestEvent, status: number, message: string): void {
	console.warn(clientErrorLine(event.request.method, event.url.pathname, status, message));
}
