import { countTurnout, rankProjects } from '../leaderboard.ts';
import { summariseCoverage } from './coverage.ts';
import { keptPerEvent } from './kept.ts';
import { getResultsUncertainty, SHOWN_PLACES } from './uncertainty.ts';

// The owner's results page of a 500-project event reads about 40 ms of the database (the ranking with
// every team, the turnout, the coverage, the uncertainty's fingerprint), and organisers keep it open and
// reloading while voting runs. Its figures are kept 1 s per event in this process, as the public
// leaderboard's ranking is; a ballot, void or phase change through this process forgets them (kept.ts).
// While voting runs, the page's live ranking then follows every ballot through the live stream.
const figures = keptPerEvent(1_000, async (eventId) => {
	const [ranking, turnout, coverage] = await Promise.all([
		rankProjects(eventId),
		countTurnout(eventId),
		summariseCoverage(eventId)
	]);
	return { ranking, turnout, coverage };
});

/** Rows of the ranking the page shows unless asked for all: a 500-project event's whole table is 300 KB. */
export const RANKING_ROWS = 100;

/**
 * The owner's results of the event: the ranking (its first RANKING_ROWS rows, or all), the number of
 * projects, turnout, coverage and the uncertainty (of the top places, or of all).
 */
export async function ownerResults(eventId: string, all: boolean) {
	const [kept, uncertainty] = await Promise.all([
		figures.get(eventId),
		getResultsUncertainty(eventId, { maxAgeMs: 1_000, places: all ? undefined : SHOWN_PLACES })
	]);
	return {
		...kept,
		ranking: all ? kept.ranking : kept.ranking.slice(0, RANKING_ROWS),
		projects: kept.ranking.length,
		rankingRows: all ? undefined : RANKING_ROWS,
		uncertainty
	};
}
