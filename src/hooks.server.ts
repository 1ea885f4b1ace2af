import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { DatabaseNotReadyError, describeDatabase, prepareDatabase } from '$lib/server/db';

export const init: ServerInit = async () => {
	try {
		await prepareDatabase();
	} catch (error) {
		if (!(error instanceof DatabaseNotReadyError)) throw error;
		// A clear sentence for the operator instead of a stack trace, and no half-working server.
		console.error(`Podium cannot start: ${error.message}`);
		process.exit(1);
	}
	console.log(`Podium is using ${describeDatabase()}`);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	return response;
};

export const handle = sequence(securityHeaders);

/** Unexpected errors are logged in full and shown to the person as a generic message. */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: 'Page not found' };
	const id = crypto.randomUUID();
	console.error(`[${id}] ${event.request.method} ${event.url.pathname}:`, error);
	return { message: status >= 500 ? `Something went wrong on our side (reference ${id}).` : message };
};
