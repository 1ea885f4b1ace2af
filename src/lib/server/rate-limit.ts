import { db } from './db.ts';

export interface RateLimitResult {
	allowed: boolean;
	/** Seconds until the window resets and the key may be used again (0 when allowed). */
	retryAfterSeconds: number;
}

/**
 * Counts one hit against `key` and says whether it is within `limit` hits per fixed window of `windowMs`.
 *
 * One SQL upsert does the read and the write, so concurrent requests (in one process or across app
 * instances) can never both see the last free slot. Refused hits are counted too but never extend the
 * window: someone who keeps hammering waits for the same reset as everyone else. Keys are namespaced by
 * the caller, e.g. `sign-in:email:ada@example.com` or `join-code:client:203.0.113.7`.
 */
export async function consumeRateLimit(
	key: string,
	limit: number,
	windowMs: number
): Promise<RateLimitResult> {
	if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
	if (!Number.isFinite(windowMs) || windowMs < 1) throw new RangeError('windowMs must be positive');
	// The database's clock decides, so app instances with skewed clocks agree on the window.
	const rows = await db.$queryRaw<{ hits: number; retry_after_ms: number }[]>`
		INSERT INTO "rate_limits" AS r ("key", "hits", "reset_at")
		VALUES (${key}, 1, clock_timestamp() + make_interval(secs => ${windowMs / 1000}::float8))
		ON CONFLICT ("key") DO UPDATE SET
			"hits" = CASE WHEN r."reset_at" <= clock_timestamp() THEN 1 ELSE r."hits" + 1 END,
			"reset_at" = CASE WHEN r."reset_at" <= clock_timestamp() THEN EXCLUDED."reset_at" ELSE r."reset_at" END
		RETURNING "hits", (EXTRACT(EPOCH FROM ("reset_at" - clock_timestamp())) * 1000)::float8 AS retry_after_ms`;
	const { hits, retry_after_ms } = rows[0];
	const allowed = hits <= limit;
	return {
		allowed,
		retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(Number(retry_after_ms) / 1000))
	};
}

/** Deletes windows that have ended; they hold nothing a later hit would need. */
export async function pruneRateLimits(): Promise<number> {
	const { count } = await db.rateLimit.deleteMany({ where: { resetAt: { lte: new Date() } } });
	return count;
}
