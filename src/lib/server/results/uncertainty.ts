import type { MarginSummary, RankInterval, ResultsUncertainty } from '../../uncertainty.ts';
import { db } from '../db.ts';
import { onForgetResults } from './kept.ts';
import {
	DEFAULT_RESAMPLES,
	describeInterval,
	markTies,
	rankObserved,
	resampleRanks,
	seedFrom,
	type BallotSet
} from './bootstrap.ts';
import { computeMargin } from './margin.ts';

/** An event's ballots as loaded. */
interface LoadedBallots {
	ids: string[];
	set: BallotSet;
	teams: number[][];
}

function parseIndices(text: string): number[] {
	return text === '' ? [] : text.split(',').map(Number);
}

/** Loads the event's projects and ballots in one query, in a compact text form. */
async function loadBallots(eventId: string): Promise<LoadedBallots> {
	// Projects are numbered by id; ballots (one per voter) are ordered by voter, so the same data always
	// gives the same arrays and hence, with the same seed, the same resamples. Each ballot carries the
	// projects its voter is on the team of (owner or collaborator), for the margin.
	const [row] = await db.$queryRaw<{ ids: string; legacy: string; ballots: string }[]>`
		WITH p AS (
			SELECT id, legacy_points, (row_number() OVER (ORDER BY id) - 1)::int AS i
			FROM projects WHERE event_id = ${eventId}::uuid
		), b AS (
			SELECT v.voter_id, string_agg(p.i::text, ',' ORDER BY p.i) AS picks
			FROM votes v JOIN p ON p.id = v.project_id
			WHERE v.event_id = ${eventId}::uuid
			GROUP BY v.voter_id
		), t AS (
			SELECT m.user_id, string_agg(m.i::text, ',' ORDER BY m.i) AS team
			FROM (
				SELECT pr.owner_id AS user_id, p.i FROM projects pr JOIN p ON p.id = pr.id
				UNION
				SELECT c.user_id, p.i FROM project_collaborators c JOIN p ON p.id = c.project_id
			) AS m
			WHERE m.user_id IN (SELECT voter_id FROM b)
			GROUP BY m.user_id
		)
		SELECT
			(SELECT coalesce(string_agg(id::text, ',' ORDER BY i), '') FROM p) AS ids,
			(SELECT coalesce(string_agg(legacy_points::text, ',' ORDER BY i), '') FROM p) AS legacy,
			(SELECT coalesce(string_agg(b.picks || '|' || coalesce(t.team, ''), ';' ORDER BY b.voter_id), '')
				FROM b LEFT JOIN t ON t.user_id = b.voter_id) AS ballots`;
	const ids = row.ids === '' ? [] : row.ids.split(',');
	const legacy = parseIndices(row.legacy);
	const lines = row.ballots === '' ? [] : row.ballots.split(';');
	const offsets = new Int32Array(lines.length + 1);
	const picks: number[] = [];
	const teams: number[][] = [];
	lines.forEach((line, b) => {
		const [ballot, team] = line.split('|');
		for (const pick of parseIndices(ballot)) picks.push(pick);
		offsets[b + 1] = picks.length;
		teams.push(parseIndices(team));
	});
	return {
		ids,
		set: {
			projectCount: ids.length,
			legacy: Int32Array.from(legacy),
			picks: Int32Array.from(picks),
			offsets
		},
		teams
	};
}

/** Intervals, ties, words and margin of loaded ballots: the costly part, run on a cache miss. */
async function summarize(
	eventId: string,
	loaded: LoadedBallots,
	resamples: number
): Promise<ResultsUncertainty> {
	const { ids, set, teams } = loaded;
	const ballots = set.offsets.length - 1;
	const seed = seedFrom(`${eventId}:${ballots}`);
	const { low, high, firstShare } = await resampleRanks(set, { seed, resamples });
	const observed = rankObserved(set);
	const tied = markTies(observed, low, high);
	const intervals: Record<string, RankInterval> = {};
	ids.forEach((id, p) => {
		intervals[id] = {
			rank: observed[p],
			low: low[p],
			high: high[p],
			tied: tied[p],
			words: describeInterval(low[p], high[p], tied[p]),
			firstShare: firstShare[p]
		};
	});
	const margin = computeMargin(set, teams);
	const summary: MarginSummary =
		margin.kind === 'tied'
			? { kind: 'tied', projectIds: margin.projects.map((p) => ids[p]) }
			: margin.kind === 'margin'
				? {
						kind: 'margin',
						ballots: margin.ballots,
						winnerId: ids[margin.winner],
						challengerId: ids[margin.challenger]
					}
				: margin.kind === 'unreachable'
					? { kind: 'unreachable', winnerId: ids[margin.winner] }
					: { kind: 'none' };
	return {
		ballots,
		resamples,
		projects: ids.length,
		complete: true,
		intervals,
		margin: summary,
		hasLegacy: set.legacy.some((points) => points > 0)
	};
}

/**
 * A fingerprint of everything the computation reads for the event: its vote rows, its projects' ids,
 * owners and legacy points, and their collaborators. Vote ids are never reused, so a change of any
 * ballot changes the count or the sum of hashes (save a 1 in 2^32 coincidence).
 */
async function readDataVersion(eventId: string): Promise<string> {
	const [row] = await db.$queryRaw<{ version: string }[]>`
		SELECT concat_ws('/',
			(SELECT count(*) || ':' || coalesce(sum(hashtext(v.id::text || v.project_id::text || v.voter_id::text)), 0)
				FROM votes v WHERE v.event_id = ${eventId}::uuid),
			(SELECT count(*) || ':' || coalesce(sum(hashtext(p.id::text || p.owner_id::text || p.legacy_points::text)), 0)
				FROM projects p WHERE p.event_id = ${eventId}::uuid),
			(SELECT count(*) || ':' || coalesce(sum(hashtext(c.project_id::text || c.user_id::text)), 0)
				FROM project_collaborators c JOIN projects p ON p.id = c.project_id
				WHERE p.event_id = ${eventId}::uuid)) AS version`;
	return row.version;
}

// Per event, the last answer and the fingerprint of the data it was computed from. A read takes the
// fingerprint (one aggregate query of a few milliseconds) and compares: any change (a ballot, a removed
// vote, a new project, changed points, a new teammate), through whichever app instance, gives a new
// computation, and nothing else does. The ballot path is untouched. A read may skip that check for
// `maxAgeMs` after the last one: the public leaderboard does, like its ranking (src/lib/server/
// leaderboard.ts), so that a venue opening the results at once costs one query a second. Bounded: the
// least recently computed events are dropped first.
const MAX_EVENTS = 100;
const cache = new Map<string, { key: string; checkedAt: number; answer: Promise<ResultsUncertainty> }>();

// A change made through this process is seen at once, whatever `maxAgeMs` a read accepts.
onForgetResults((eventId) => {
	const cached = cache.get(eventId);
	if (cached) cached.checkedAt = 0;
});

/** Rows a page shows unless asked for all: the top places, where uncertainty matters most. */
export const SHOWN_PLACES = 10;

/** The answer with only the intervals of projects ranked in the top `places` (all when undefined). */
function limitPlaces(answer: ResultsUncertainty, places: number | undefined): ResultsUncertainty {
	if (places === undefined || answer.projects <= places) return answer;
	const intervals: Record<string, RankInterval> = {};
	for (const [id, interval] of Object.entries(answer.intervals))
		if (interval.rank <= places) intervals[id] = interval;
	return { ...answer, intervals, complete: false };
}

async function getCached(eventId: string, resamples: number, maxAgeMs: number): Promise<ResultsUncertainty> {
	const cached = cache.get(eventId);
	if (
		cached &&
		maxAgeMs > 0 &&
		Date.now() - cached.checkedAt < maxAgeMs &&
		cached.key.startsWith(`${resamples}/`)
	) {
		return cached.answer;
	}
	const key = `${resamples}/${await readDataVersion(eventId)}`;
	const current = cache.get(eventId);
	if (current && current.key === key) {
		current.checkedAt = Date.now();
		return current.answer;
	}
	// Fingerprint first, then the data: a change in between only causes one more computation later.
	const answer = loadBallots(eventId).then((loaded) => summarize(eventId, loaded, resamples));
	cache.delete(eventId);
	if (cache.size >= MAX_EVENTS) cache.delete(cache.keys().next().value as string);
	const entry = { key, checkedAt: Date.now(), answer };
	cache.set(eventId, entry);
	answer.catch(() => {
		if (cache.get(eventId) === entry) cache.delete(eventId);
	});
	return answer;
}

/**
 * The uncertainty of the event's ranking: each project's bootstrap rank interval (95 %, 2,000 seeded
 * resamples of the ballots, legacy points fixed), statistical ties at the top, and the margin. Cached
 * per event until its data change; `maxAgeMs` accepts an answer checked that recently without a check;
 * `places` keeps only the intervals of the projects ranked that high (a page's first rows).
 */
export async function getResultsUncertainty(
	eventId: string,
	options: { resamples?: number; maxAgeMs?: number; places?: number } = {}
): Promise<ResultsUncertainty> {
	const answer = await getCached(eventId, options.resamples ?? DEFAULT_RESAMPLES, options.maxAgeMs ?? 0);
	return limitPlaces(answer, options.places);
}

/** Forgets every cached answer (tests and benchmarks that time the computation itself). */
export function forgetResultsUncertainty(): void {
	cache.clear();
}
