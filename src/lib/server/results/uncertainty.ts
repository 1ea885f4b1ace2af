import type { MarginSummary, RankInterval, ResultsUncertainty } from '../../uncertainty.ts';
import { db } from '../db.ts';
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

/** An event's ballots as loaded: the text form is also the cache's key. */
interface LoadedBallots {
	ids: string[];
	set: BallotSet;
	teams: number[][];
	/** Everything the computation depends on, as one text: equal text, equal answer. */
	key: string;
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
		teams,
		key: `${row.ids}\n${row.legacy}\n${row.ballots}`
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
	const tied = markTies(rankObserved(set), low, high);
	const intervals: Record<string, RankInterval> = {};
	ids.forEach((id, p) => {
		intervals[id] = {
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
		intervals,
		margin: summary,
		hasLegacy: set.legacy.some((points) => points > 0)
	};
}

// Per event, the last answer and the data it was computed from. Every read loads the event's ballots
// (one query of a few milliseconds) and compares them with the cached data: any change (a ballot, a
// removed vote, a new project, changed points, a new teammate), through whichever app instance, gives a
// new computation, and nothing else does. The ballot path is untouched. Bounded: the least recently
// computed events are dropped first.
const MAX_EVENTS = 100;
const cache = new Map<string, { key: string; answer: Promise<ResultsUncertainty> }>();

/**
 * The uncertainty of the event's ranking: each project's bootstrap rank interval (95 %, 2,000 seeded
 * resamples of the ballots, legacy points fixed), statistical ties at the top, and the margin. Cached
 * per event until its data change.
 */
export async function getResultsUncertainty(
	eventId: string,
	resamples = DEFAULT_RESAMPLES
): Promise<ResultsUncertainty> {
	const loaded = await loadBallots(eventId);
	const key = `${resamples}\n${loaded.key}`;
	const cached = cache.get(eventId);
	if (cached && cached.key === key) return cached.answer;
	const answer = summarize(eventId, loaded, resamples);
	cache.delete(eventId);
	if (cache.size >= MAX_EVENTS) cache.delete(cache.keys().next().value as string);
	cache.set(eventId, { key, answer });
	answer.catch(() => {
		if (cache.get(eventId)?.answer === answer) cache.delete(eventId);
	});
	return answer;
}
