import { db } from './db';

/** From this many votes on, the home page shows the planner's estimate instead of counting every row. */
export const ESTIMATE_VOTES_FROM = 100_000;

/** `n` to three significant figures: an estimate should not look more precise than it is. */
function roughly(n: number): number {
	if (n < 1000) return Math.round(n);
	const step = 10 ** (Math.floor(Math.log10(n)) - 2);
	return Math.round(n / step) * step;
}

/**
 * Counts shown on the home page: proof that the app reads its database. Soft-deleted events, and the
 * projects and votes in them, are left out. From `estimateVotesFrom` votes on, the votes are the
 * planner's estimate (`pg_class.reltuples`, kept by ANALYZE) less the deleted events' votes, rounded,
 * and `votesEstimated` says so: counting a million votes reads a million index entries.
 */
export async function countPlatformTotals({ estimateVotesFrom = ESTIMATE_VOTES_FROM } = {}) {
	const inDeleted = { event: { deletedAt: { not: null } } } as const;
	const [events, projects, deletedVotes, [estimate]] = await Promise.all([
		db.event.count({ where: { phase: { not: 'draft' }, deletedAt: null } }),
		db.project.count({ where: { event: { deletedAt: null } } }),
		db.vote.count({ where: inDeleted }),
		db.$queryRaw<{ n: number }[]>`
			SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'votes'::regclass`
	]);
	const votesEstimated = (estimate?.n ?? 0) >= estimateVotesFrom;
	// All votes less those of the (few) deleted events: cheaper than joining every vote to its event.
	const votes = votesEstimated
		? roughly(Math.max(estimate.n - deletedVotes, 0))
		: (await db.vote.count()) - deletedVotes;
	return { events, projects, votes, votesEstimated };
}

type PlatformTotals = Awaited<ReturnType<typeof countPlatformTotals>>;

// Every anonymous visit shows these: one computation a minute serves them all.
let kept: { at: number; totals: Promise<PlatformTotals> } | undefined;

/** The home page's totals, computed at most once per `maxAgeMs` for everyone asking within it. */
export function homePageTotals({ maxAgeMs = 60_000, now = Date.now() } = {}): Promise<PlatformTotals> {
	if (kept && now - kept.at < maxAgeMs) return kept.totals;
	const totals = countPlatformTotals();
	const entry = { at: now, totals };
	kept = entry;
	// A failed computation is not kept.
	totals.catch(() => {
		if (kept === entry) kept = undefined;
	});
	return totals;
}
