import type { Handle } from '@sveltejs/kit';
import { inspectFormBody } from './form-body';
import { refuse } from './refusals';
import { inspectAddress } from './storable-text';
import { inLocale, requestedLocale } from '../i18n/locale';

/**
 * Refuses, before any route, load or action sees it, what no route of this app can use: a path
 * parameter, query string or form field PostgreSQL cannot store, and a POST that is not a readable form.
 * These are the client's mistakes: 4xx with a sentence saying what is wrong, never a 500.
 */
export const requestBoundary: Handle = async ({ event, resolve }) => {
	// Before the session: in the browser's language (or the one chosen with the switcher).
	const refusal = await inLocale(
		requestedLocale(event.request),
		async () =>
			inspectAddress(event) ??
			(event.request.method === 'POST' ? await inspectFormBody(event.request) : undefined)
	);
	if (refusal) return refuse(event, refusal);
	return resolve(event);
};
