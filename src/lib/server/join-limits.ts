import type { RequestEvent } from '@sveltejs/kit';
import { consumeRateLimit } from './rate-limit.ts';
import { RuleViolation } from './rules.ts';
import { m } from '../paraglide/messages.js';

const WINDOW_MS = 10 * 60 * 1000;
// A person joins a handful of events and teams; 30 tries in 10 minutes leaves room for typos while
// making a 32⁶ code space (and the 38⁴ of imported codes) hopeless to walk. A venue puts hundreds of
// people behind one address, so the per-address limit is far higher and only stops a script.
const PER_USER = 30;
const PER_CLIENT = 600;

/** Who is trying a join code: the person and the address the request came from. */
export interface CodeGuesser {
	userId: string;
	clientAddress: string;
}

/** The person and client address of a request, for the functions that take a join code. */
export function codeGuesser(event: RequestEvent, userId: string): CodeGuesser {
	return { userId, clientAddress: event.getClientAddress() };
}

/**
 * Counts one join-code attempt; refuses with 429 and the wait when a limit is reached. Event and project
 * codes share the count. Called by every function that looks a code up, so no form or link can skip it.
 */
export async function limitCodeGuessing({ userId, clientAddress }: CodeGuesser): Promise<void> {
	const checks = await Promise.all([
		consumeRateLimit(`join-code:user:${userId}`, PER_USER, WINDOW_MS),
		consumeRateLimit(`join-code:client:${clientAddress}`, PER_CLIENT, WINDOW_MS)
	]);
	const refused = checks.find((check) => !check.allowed);
	if (refused) {
		const minutes = Math.ceil(refused.retryAfterSeconds / 60);
		throw new RuleViolation(m.server_join_too_many({ minutes }), 429);
	}
}
