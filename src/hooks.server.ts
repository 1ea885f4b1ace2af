import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { chain } from '$lib/server/http/chain';
import { config, ConfigError } from '$lib/server/config';
import { log } from '$lib/server/log';
import { compressResponses } from '$lib/server/http/compression';
import { pageHead } from '$lib/server/http/page-head';
import { observeRequests } from '$lib/server/http/observe';
import { databaseOutage, noteOutage, outageMessage } from '$lib/server/http/outage';
import { privateWhenSignedIn } from '$lib/server/http/private-pages';
import { logClientError } from '$lib/server/http/refusals';
import { maintenanceMode } from '$lib/server/maintenance/handle';
import { localize } from '$lib/server/i18n/locale';
import { requestBoundary } from '$lib/server/http/request-boundary';
import { publicResponseCache } from '$lib/server/response-cache';
import { closeDatabase, DatabaseNotReadyError, describeDatabase, prepareDatabase } from '$lib/server/db';
import { startScheduler } from '$lib/server/schedule/ticker';
import {
	SESSION_COOKIE,
	deleteSessionCookie,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth/sessions';
import { m } from '$lib/paraglide/messages';
import '$lib/server/i18n/zod';

/**
 * A clear sentence per problem for the operator instead of a stack trace, and no half-working server.
 * Plain lines on stderr, as a command that fails says why, rather than log records: the app never ran.
 */
function refuseToStart(problems: string[]): never {
	for (const problem of problems) process.stderr.write(`Podium cannot start: ${problem}\n`);
	process.exit(1);
}

export const init: ServerInit = async () => {
	try {
		config();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		refuseToStart(error.problems);
	}
	try {
		await prepareDatabase();
	} catch (error) {
		if (!(error instanceof DatabaseNotReadyError)) throw error;
		refuseToStart([error.message]);
	}
	log.info(`Podium is using ${describeDatabase()}`);
	// Scheduled phase changes and voting reminders (src/lib/server/schedule/): in every process.
	const stopScheduler = startScheduler(config().schedulerIntervalMs);
	// adapter-node emits this once it has stopped taking requests (SIGTERM/SIGINT). Close the database
	// cleanly (the embedded one writes its files) and exit rather than wait for idle timers.
	process.once('sveltekit:shutdown', async () => {
		await stopScheduler();
		await closeDatabase().catch((err) => log.error({ err }, 'Closing the database failed'));
		process.exit(0);
	});
};

// Pages get SvelteKit's Content-Security-Policy (kit.csp in svelte.config.js, with a nonce per page);
// every other response (JSON, SVG, CSV, event streams) may load and run nothing at all.
const FALLBACK_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// A year; no includeSubDomains: other sites of the operator's domain are not ours to decide for.
const HSTS = 'max-age=31536000';

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	if (!response.headers.has('content-security-policy')) {
		response.headers.set('Content-Security-Policy', FALLBACK_CSP);
	}
	if (config().origin.startsWith('https:')) response.headers.set('Strict-Transport-Security', HSTS);
	return response;
};

/** Resolves the session cookie into `locals.user` / `locals.session`, renewing or clearing the cookie. */
const session: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	event.locals.user = null;
	event.locals.session = null;
	if (token !== undefined) {
		const result = await validateSessionToken(token);
		if (result.session) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			if (result.renewed) setSessionCookie(event.cookies, event.url, token, result.session.expiresAt);
		} else {
			deleteSessionCookie(event.cookies, event.url);
		}
	}
	return resolve(event);
};

// The boundary refuses bad requests before the cache or the session lookup spends anything on them.
export const handle = chain(
	observeRequests,
	compressResponses,
	pageHead,
	securityHeaders,
	databaseOutage,
	requestBoundary,
	publicResponseCache,
	session,
	localize,
	maintenanceMode,
	privateWhenSignedIn
);

/**
 * Errors SvelteKit raises for the client's mistakes (a malformed URI, a body over BODY_SIZE_LIMIT, a
 * JSON post to a form) are logged in one line and shown as they are; unexpected errors are logged in
 * full and shown to the person as a generic message with a reference to find the log entry by.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: m.server_page_not_found() };
	// Logged once per outage (src/lib/server/database-status.ts); each request has its access line.
	if (noteOutage(event, error)) return { message: outageMessage(), retry: true };
	if (status < 500) {
		// Only SvelteKit's own errors get here with a 4xx (error() in app code does not reach this hook),
		// and their messages say what the client sent, nothing of the server's.
		const detail = error instanceof Error && error.message ? error.message : message;
		logClientError(event, status, detail);
		return { message: detail };
	}
	// The reference the person sees finds this line (and, by its requestId, the rest of the request).
	const reference = crypto.randomUUID();
	log.error(
		{ err: error, reference, method: event.request.method, path: event.url.pathname, route: event.route.id },
		`Unexpected error (reference ${reference})`
	);
	return { message: m.server_unexpected_error({ reference }) };
};
