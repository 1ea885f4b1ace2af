import { json, type Handle, type RequestEvent } from '@sveltejs/kit';
import { resolve as resolvePath } from '$app/paths';
import { isDatabaseUnavailable, noteDatabaseUnreachable } from '../database-status';
import { m } from '$lib/paraglide/messages';
import { inLocale, requestedLocale } from '../i18n/locale';
import { getLocale } from '$lib/paraglide/runtime';

// While the database is down (restarting, failing over, a network cut), requests answer 503 with "try
// again in a moment" instead of a generic 500: people and the ballot's retry logic can tell a passing
// outage from a fault, and a load balancer can hold traffic back.

/** The message of a request that failed for want of the database, in the request's language. */
export const outageMessage = () => m.server_outage();
const RETRY_AFTER_SECONDS = '5';
const OUTAGE_HEADERS = { 'retry-after': RETRY_AFTER_SECONDS, 'cache-control': 'no-store' };

// Requests whose error page handleError rendered because of an outage; their 500 becomes a 503.
const failedByOutage = new WeakSet<Request>();

/** For handleError: notes (and logs once per outage) that this request failed for want of the database. */
export function noteOutage(event: RequestEvent, error: unknown): boolean {
	if (!isDatabaseUnavailable(error)) return false;
	failedByOutage.add(event.request);
	noteDatabaseUnreachable(error, true);
	return true;
}

/**
 * Answers 503 with a Retry-After for requests that failed because the database is unreachable: errors
 * in loads and actions (rendered by SvelteKit, noted by handleError) and in the handles inside this one
 * (the session lookup of every signed-in request).
 */
export const databaseOutage: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (e) {
		if (!isDatabaseUnavailable(e)) throw e;
		noteDatabaseUnreachable(e, true);
		// Failed before the request's language was settled (the session lookup): the browser's language.
		return inLocale(requestedLocale(event.request), () => outageResponse(event));
	}
	if (response.status !== 500 || !failedByOutage.has(event.request)) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(OUTAGE_HEADERS)) headers.set(name, value);
	return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers });
};

/**
 * The 503 for a request a handle could not serve. SvelteKit's answer to an error thrown from a handle
 * cannot carry a Retry-After (nor pass through the handles that add the security headers), so it is
 * made here, in the three forms SvelteKit would use: the ActionResult an enhanced form reads (every
 * ballot), a page for browsers, JSON for the rest.
 */
function outageResponse(event: RequestEvent): Response {
	const body = { message: outageMessage(), retry: true };
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'error', error: body }, { status: 503, headers: OUTAGE_HEADERS });
	}
	if (!(event.request.headers.get('accept') ?? '').includes('text/html')) {
		return json(body, { status: 503, headers: OUTAGE_HEADERS });
	}
	return new Response(outagePage(), {
		status: 503,
		headers: { ...OUTAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }
	});
}

// The app's layout needs the database (who is signed in), so this page stands alone: no script, no
// style sheet, nothing that could fail too.
function outagePage(): string {
	return `<!doctype html>
<html lang="${getLocale()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>503 · Podium</title>
</head>
<body>
<main>
<p>503</p>
<h1>${outageMessage()}</h1>
<p><a href="${resolvePath('/')}">${m.server_outage_home()}</a></p>
</main>
</body>
</html>
`;
}
