import type { RequestEvent } from '@sveltejs/kit';
import { consumeRateLimit } from './rate-limit.ts';
import { RuleViolation } from './rules.ts';

const WINDOW_MS = 10 * 60 * 1000;
// A person joins a handful of events and teams; 30 tries in 10 minutes leaves room for typos while
// making a 32⁶ code space hopeless to walk. A venue puts hundreds of people behind one address, so
// the per-address limit is far higher and only stops a script.
const PER_USER = 30;
const PER_CLIENT = 600;

/** Counts one join-code attempt; refuses with 429 and the wait when a limit is reached. */
export async function limitCodeGuessing(event: RequestEvent, userId: string): Promise<void> {
	const checks = await Promise.all([
		consumeRateLimit(`join-code:user:${userId}`, PER_USER, WINDOW_MS),
		consumeRateLimit(`join-code:client:${event.getClientAddress()}`, PER_CLIENT, WINDOW_MS)
	]);
	const refused = checks.find((check) => !check.allowed);
	if (refused) {
		const minutes = Math.ceil(refused.retryAfterSeconds / 60);
		throw new RuleViolation(
			`Too many join attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
			429
		);
	}
}
