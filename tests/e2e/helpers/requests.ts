import type { APIRequestContext } from '@playwright/test';

// Raw HTTP for tests of the request boundary: the exact bytes, no redirects followed, and the answer as
// a person or a script would read it.

export interface Answer {
	status: number;
	headers: Record<string, string>;
	body: string;
}

export interface RawRequest {
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	body?: string | Buffer;
}

/** Sends one request and reads the whole answer; a timeout or a dropped connection becomes status 0. */
export async function send(ctx: APIRequestContext, url: string, request: RawRequest = {}): Promise<Answer> {
	try {
		const response = await ctx.fetch(url, {
			method: request.method ?? 'GET',
			// What a browser sends when it navigates: SvelteKit answers */* as if it were a script.
			headers: { accept: 'text/html,application/xhtml+xml', ...request.headers },
			data: request.body,
			maxRedirects: 0,
			failOnStatusCode: false,
			timeout: 10_000
		});
		return { status: response.status(), headers: response.headers(), body: await response.text() };
	} catch (error) {
		return { status: 0, headers: {}, body: String(error) };
	}
}

/** A form post as a browser makes it: the Origin header SvelteKit's CSRF check asks for. */
export function post(
	ctx: APIRequestContext,
	origin: string,
	url: string,
	form: { type: string; body: string }
) {
	return send(ctx, url, {
		method: 'POST',
		headers: { origin, 'content-type': form.type },
		body: form.body
	});
}

/** A form body as a browser sends it without JavaScript (also what use:enhance sends). */
export function urlencoded(fields: [string, string][]): { type: string; body: string } {
	return {
		type: 'application/x-www-form-urlencoded',
		body: new URLSearchParams(fields).toString()
	};
}

const BOUNDARY = '----PodiumWalkBoundary7MA4YWxkTrZu0gW';

/** A multipart/form-data body, written out by hand so that tests can also cut it short. */
export function multipart(fields: [string, string][]): { type: string; body: string } {
	const parts = fields.map(
		([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
	);
	return { type: `multipart/form-data; boundary=${BOUNDARY}`, body: `${parts.join('')}--${BOUNDARY}--\r\n` };
}

/** The same multipart body, cut off in the middle of its last part, as a dropped upload arrives. */
export function truncatedMultipart(fields: [string, string][]): { type: string; body: string } {
	const whole = multipart(fields.length > 0 ? fields : [['field', 'value']]);
	const cut = whole.body.lastIndexOf('\r\n--');
	return { type: whole.type, body: whole.body.slice(0, cut - 2) };
}

/** Whether an answer body shows a stack trace (a line starting with "at ", as V8 prints them). */
export function showsStack(body: string): boolean {
	return /^\s+at .+[(:]\d+/m.test(body) || /\bat (async )?\S+ \(.*:\d+:\d+\)/.test(body);
}
