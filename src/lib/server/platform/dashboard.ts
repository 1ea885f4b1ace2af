import { MAX_DASHBOARD_MONTHS, monthIndex } from '../../schemas/dashboard.ts';
import { db } from '../db.ts';
import type { EventPhase } from '../generated/prisma/client.ts';

// The figures of the platform dashboard (/admin). Every query is one set-based statement (GROUP BY a
// month, a phase, an event, an answer), never one per row, and reads only what the page shows; see
// README "Platform admin" for the timings at 100,000 people / 5,000 events / 1,000,000 votes.
//
// Months are calendar months in UTC. Soft-deleted events (events.deleted_at set) and everything in them
// are left out of every figure; the page says how many there are.

/** Calendar months (UTC) the monthly charts cover: `from` and `to` included, as YYYY-MM. */
export interface MonthRange {
	from: string;
	to: string;
	/** The first instant of `from`, and the first instant after `to`. */
	start: Date;
	end: Date;
	/** Every month from `from` to `to`, in order. */
	months: string[];
}

const monthName = (index: number) =>
	`${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
const monthStart = (index: number) => new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));

/**
 * The months to show: the last 12 by default; a lone `from` or `to` gets the 11 months after or before
 * it; at most five years (the earliest months give way).
 */
export function resolveMonthRange(
	wanted: { from?: string; to?: string },
	now: Date = new Date()
): MonthRange {
	const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
	let last = wanted.to ? monthIndex(wanted.to) : undefined;
	let first = wanted.from ? monthIndex(wanted.from) : undefined;
	if (first === undefined) first = (last ?? current) - 11;
	if (last === undefined) last = first + 11;
	if (last < first) last = first;
	if (last - first >= MAX_DASHBOARD_MONTHS) first = last - MAX_DASHBOARD_MONTHS + 1;
	const months = Array.from({ length: last - first + 1 }, (_, i) => monthName(first + i));
	return {
		from: monthName(first),
		to: monthName(last),
		start: monthStart(first),
		end: monthStart(last + 1),
		months
	};
}

export const PHASES: EventPhase[] = ['draft', 'submission', 'voting', 'closed'];

export type EventsByMonth = { month: string } & Record<EventPhase, number>;

/** Events created per month, split by the phase they are in now. */
export async function countEventsByMonth(range: MonthRange): Promise<EventsByMonth[]> {
	const rows = await db.$queryRaw<{ month: string; phase: EventPhase; events: number }[]>`
		SELECT to_char(month, 'YYYY-MM') AS month, phase, events FROM (
			SELECT date_trunc('month', created_at, 'UTC') AT TIME ZONE 'UTC' AS month, phase, count(*)::int AS events
			FROM events
			WHERE deleted_at IS NULL AND created_at >= ${range.start} AND created_at < ${range.end}
			GROUP BY 1, 2) counted`;
	const byMonth = new Map(
		range.months.map((month) => [month, { month, draft: 0, submission: 0, voting: 0, closed: 0 }])
	);
	for (const row of rows) {
		const entry = byMonth.get(row.month);
		if (entry) entry[row.phase] = row.events;
	}
	return [...byMonth.values()];
}

export interface ActivityByMonth {
	month: string;
	/** People who joined an event that month (one per person and event). */
	joins: number;
	projects: number;
}

/** Joins (new attendances) and projects created per month. */
export async function countActivityByMonth(range: MonthRange): Promise<ActivityByMonth[]> {
	const rows = await db.$queryRaw<{ month: string; kind: 'joins' | 'projects'; n: number }[]>`
		SELECT to_char(month, 'YYYY-MM') AS month, kind, n FROM (
			SELECT date_trunc('month', a.joined_at, 'UTC') AT TIME ZONE 'UTC' AS month, 'joins' AS kind, count(*)::int AS n
			FROM event_attendees a
			WHERE a.joined_at >= ${range.start} AND a.joined_at < ${range.end}
				AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = a.event_id AND e.deleted_at IS NOT NULL)
			GROUP BY 1
			UNION ALL
			SELECT date_trunc('month', p.created_at, 'UTC') AT TIME ZONE 'UTC', 'projects', count(*)::int
			FROM projects p
			WHERE p.created_at >= ${range.start} AND p.created_at < ${range.end}
				AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.event_id AND e.deleted_at IS NOT NULL)
			GROUP BY 1) counted`;
	const byMonth = new Map(range.months.map((month) => [month, { month, joins: 0, projects: 0 }]));
	for (const row of rows) {
		const entry = byMonth.get(row.month);
		if (entry) entry[row.kind] = row.n;
	}
	return [...byMonth.values()];
}

export interface SignUpsByMonth {
	month: string;
	/** Accounts created that month (deleted ones included: they did sign up). */
	signUps: number;
	/** All accounts created up to the end of that month. */
	total: number;
}

/** New accounts per month, and the running total since the first account. */
export async function countSignUpsByMonth(range: MonthRange): Promise<SignUpsByMonth[]> {
	const [rows, [before]] = await Promise.all([
		db.$queryRaw<{ month: string; n: number }[]>`
			SELECT to_char(month, 'YYYY-MM') AS month, n FROM (
				SELECT date_trunc('month', created_at, 'UTC') AT TIME ZONE 'UTC' AS month, count(*)::int AS n
				FROM users
				WHERE created_at >= ${range.start} AND created_at < ${range.end}
				GROUP BY 1) counted`,
		db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM users WHERE created_at < ${range.start}`
	]);
	const counts = new Map(rows.map((row) => [row.month, row.n]));
	let total = before.n;
	return range.months.map((month) => {
		const signUps = counts.get(month) ?? 0;
		total += signUps;
		return { month, signUps, total };
	});
}

export interface TurnoutBucket {
	/** Turnout from `from` % up to `to` % (the last bucket includes 100 %). */
	from: number;
	to: number;
	events: number;
}

export interface TurnoutSummary {
	/** Events created in the range that are in voting or closed and have attendees. */
	events: number;
	/** Ballots: people who voted, summed over those events. */
	ballots: number;
	attendees: number;
	buckets: TurnoutBucket[];
}

/**
 * How many of their attendees voted, over the events created in the range that reached voting (in
 * voting or closed now), as a histogram of ten 10 % buckets. A voter is someone with a vote in the
 * event, counted through the votes (event_id, voter_id) index: imported votes count too. Votes stay
 * when an owner removes an attendee, so turnout is capped at 100 %.
 */
export async function summariseTurnout(range: MonthRange): Promise<TurnoutSummary> {
	const rows = await db.$queryRaw<{ bucket: number; events: number; ballots: number; attendees: number }[]>`
		WITH per_event AS (
			SELECT att.n AS attendees, least(vot.n, att.n) AS voters
			FROM events e
			CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM event_attendees a WHERE a.event_id = e.id) att
			CROSS JOIN LATERAL (SELECT count(DISTINCT v.voter_id)::int AS n FROM votes v WHERE v.event_id = e.id) vot
			WHERE e.deleted_at IS NULL AND e.phase IN ('voting', 'closed')
				AND e.created_at >= ${range.start} AND e.created_at < ${range.end}
		)
		SELECT least(floor(voters * 10.0 / attendees), 9)::int AS bucket, count(*)::int AS events,
			sum(voters)::int AS ballots, sum(attendees)::int AS attendees
		FROM per_event WHERE attendees > 0
		GROUP BY 1`;
	const buckets = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, events: 0 }));
	let events = 0;
	let ballots = 0;
	let attendees = 0;
	for (const row of rows) {
		buckets[row.bucket].events = row.events;
		events += row.events;
		ballots += row.ballots;
		attendees += row.attendees;
	}
	return { events, ballots, attendees, buckets };
}

/**
 * The ten most frequent answers to "how did you hear about this event?" given in the range, across
 * events: trimmed, lower-cased, inner spaces collapsed ("  Hack Club  Slack" = "hack club slack").
 */
export async function listTopReferrals(range: MonthRange, limit = 10) {
	return db.$queryRaw<{ answer: string; count: number }[]>`
		SELECT lower(regexp_replace(btrim(r.content), '\\s+', ' ', 'g')) AS answer, count(*)::int AS count
		FROM referrals r
		WHERE r.created_at >= ${range.start} AND r.created_at < ${range.end}
			AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = r.event_id AND e.deleted_at IS NOT NULL)
		GROUP BY 1
		ORDER BY count DESC, answer
		LIMIT ${limit}`;
}

export interface VotingNow {
	id: string;
	name: string;
	slug: string;
	attendees: number;
	voters: number;
	/** Attendees whose ballot was recorded in the last ten minutes. */
	recentBallots: number;
}

/** The most a "now" panel lists; more events in voting at once are counted, not listed. */
const VOTING_NOW_LIMIT = 50;

/** Events in voting right now, busiest first, with their live turnout and ballots of the last 10 minutes. */
export async function listVotingNow(now: Date = new Date()) {
	const since = new Date(now.getTime() - 10 * 60_000);
	const [events, [{ n: total }]] = await Promise.all([
		db.$queryRaw<VotingNow[]>`
			SELECT e.id, e.name, e.slug, att.attendees, att.recent AS "recentBallots", least(vot.n, att.attendees) AS voters
			FROM events e
			CROSS JOIN LATERAL (
				SELECT count(*)::int AS attendees, count(*) FILTER (WHERE a.ballot_saved_at >= ${since})::int AS recent
				FROM event_attendees a WHERE a.event_id = e.id) att
			CROSS JOIN LATERAL (SELECT count(DISTINCT v.voter_id)::int AS n FROM votes v WHERE v.event_id = e.id) vot
			WHERE e.deleted_at IS NULL AND e.phase = 'voting'
			ORDER BY att.recent DESC, att.attendees DESC, e.name, e.id
			LIMIT ${VOTING_NOW_LIMIT}`,
		db.$queryRaw<{ n: number }[]>`
			SELECT count(*)::int AS n FROM events WHERE deleted_at IS NULL AND phase = 'voting'`
	]);
	return { events, total };
}

/** Above this many votes the headline shows the planner's estimate instead of counting a million rows. */
const EXACT_VOTE_COUNT_BELOW = 100_000;

/**
 * The headline figures: people (not deleted), events and projects (soft-deleted events left out), and
 * all votes (estimated from the planner's statistics when there are very many, so soft-deleted events'
 * votes are in it).
 */
export async function countHeadlines() {
	const [[counts], [estimate]] = await Promise.all([
		db.$queryRaw<{ people: number; events: number; deletedEvents: number; projects: number }[]>`
			SELECT (SELECT count(*)::int FROM users WHERE deleted_at IS NULL) AS people,
				(SELECT count(*)::int FROM events WHERE deleted_at IS NULL) AS events,
				(SELECT count(*)::int FROM events WHERE deleted_at IS NOT NULL) AS "deletedEvents",
				(SELECT count(*)::int FROM projects p WHERE NOT EXISTS
					(SELECT 1 FROM events e WHERE e.id = p.event_id AND e.deleted_at IS NOT NULL)) AS projects`,
		db.$queryRaw<{ n: number }[]>`
			SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'votes'::regclass`
	]);
	const estimated = (estimate?.n ?? 0) >= EXACT_VOTE_COUNT_BELOW;
	const votes = estimated
		? Math.round(estimate.n)
		: (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM votes`)[0].n;
	return { ...counts, votes, votesEstimated: estimated };
}

// The monthly figures read hundreds of thousands of rows and change slowly: the page may reuse them for
// a minute (per range), so that a room of operators reloading it costs the database one computation.
// "Voting now" is always read fresh.
const recent = new Map<string, { at: number; figures: Promise<MonthlyFigures> }>();
const RECENT_LIMIT = 50;

type MonthlyFigures = Awaited<ReturnType<typeof computeMonthlyFigures>>;

async function computeMonthlyFigures(range: MonthRange) {
	const [eventsByMonth, activityByMonth, signUpsByMonth, turnout, referrals, headlines] = await Promise.all([
		countEventsByMonth(range),
		countActivityByMonth(range),
		countSignUpsByMonth(range),
		summariseTurnout(range),
		listTopReferrals(range),
		countHeadlines()
	]);
	return { eventsByMonth, activityByMonth, signUpsByMonth, turnout, referrals, headlines };
}

function monthlyFigures(range: MonthRange, maxAgeMs: number): Promise<MonthlyFigures> {
	if (maxAgeMs <= 0) return computeMonthlyFigures(range);
	const key = `${range.from}..${range.to}`;
	const kept = recent.get(key);
	if (kept && Date.now() - kept.at < maxAgeMs) return kept.figures;
	const figures = computeMonthlyFigures(range);
	if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
	recent.set(key, { at: Date.now(), figures });
	// A failed computation is not kept.
	figures.catch(() => recent.delete(key));
	return figures;
}

/**
 * Everything the dashboard shows for a range of months. With `maxAgeMs`, the monthly figures may be
 * that old (computed once for everyone asking within it); "voting now" is always fresh.
 */
export async function loadDashboard(range: MonthRange, now: Date = new Date(), { maxAgeMs = 0 } = {}) {
	const [monthly, votingNow] = await Promise.all([monthlyFigures(range, maxAgeMs), listVotingNow(now)]);
	return { ...monthly, votingNow };
}
