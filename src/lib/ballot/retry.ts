// When the ballot page tries again after a failed send, and which failures are worth another try.

export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 30_000;
// A Retry-After longer than this is treated as a mistake: a voter should not wait ten minutes on a header.
const MAX_RETRY_AFTER_MS = 120_000;

/**
 * How long to wait before attempt `attempt + 1`, after `attempt` failed ones: 1 s, 2 s, 4 s, … up to
 * 30 s, each cut by a random part of up to a half so that a venue's phones do not all retry in step.
 * The server's Retry-After (in ms) is a floor, with up to a quarter added for the same reason.
 */
export function retryDelay(
	attempt: number,
	retryAfterMs?: number,
	random: () => number = Math.random
): number {
	const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
	const jittered = backoff * (0.5 + random() / 2);
	if (retryAfterMs === undefined) return Math.round(jittered);
	const floor = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
	return Math.round(Math.max(jittered, floor * (1 + random() / 4)));
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds from `now`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether an answer with this HTTP status (undefined: none arrived) may go through if sent again: no
 * answer, a timeout, too many requests or a server-side failure (a restart, a database outage answering
 * 503). Anything else is the server's final word on this ballot, a refusal to show rather than repeat.
 */
export function isPassingFailure(status: number | undefined): boolean {
	return status === undefined || status === 408 || status === 429 || status >= 500;
}
