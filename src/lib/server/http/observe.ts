import { isHttpError, isRedirect, type Handle, type RequestEvent } from '@sveltejs/kit';
import { noteActivity } from '../idle-collection';
import { currentRefusal, inRequest, log, requestIdOf } from '../log';
import { observeRequest } from '../metrics';
import { clientErrorLine } from './refusals';

// Machine endpoints polled every few seconds: their access lines only at LOG_LEVEL=debug.
const QUIET_ROUTES = new Set(['/health', '/metrics']);

/**
 * The outermost handle: notes the request (idle-collection.ts), gives the request its id (the proxy's
 * `x-request-id` when sane, echoed in the response), runs the rest inside it so that every log line
 * carries it, and writes one access line (method, route id, status, duration, user) and the request
 * metrics when the response is ready.
 */
export const observeRequests: Handle = ({ event, resolve }) => {
	// The probes of a load balancer or a monitor do not keep the app from counting as idle.
	if (!event.route.id || !QUIET_ROUTES.has(event.route.id)) noteActivity();
	const requestId = requestIdOf(event.request);
	return inRequest(requestId, async () => {
		const started = performance.now();
		let status = 500;
		try {
			const response = await resolve(event);
			status = response.status;
			try {
				response.headers.set('x-request-id', requestId);
			} catch {
				// A response with immutable headers (Response.redirect): it goes out without the id.
			}
			return response;
		} catch (error) {
			// A handle's refusal (error() or redirect()) goes on to SvelteKit, which answers with it.
			if (isHttpError(error) || isRedirect(error)) status = error.status;
			throw error;
		} finally {
			logAccess(event, status, performance.now() - started);
		}
	});
};

function logAccess(event: RequestEvent, status: number, ms: number) {
	const method = event.request.method;
	const route = event.route.id;
	observeRequest(method, route, status, ms / 1000);
	const refusal = currentRefusal();
	const line = {
		method,
		route,
		path: event.url.pathname,
		status,
		ms: Math.round(ms * 10) / 10,
		userId: event.locals.user?.id ?? null
	};
	const message = clientErrorLine(method, event.url.pathname, status, refusal ?? '').trimEnd();
	if (refusal) log.warn(line, message);
	else if (route && QUIET_ROUTES.has(route)) log.debug(line, message);
	else log.info(line, message);
}
