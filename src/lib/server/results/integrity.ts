import { db } from '../db.ts';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { keptPerEvent } from './kept.ts';

// Integrity signals: hints computed from what the database holds, for the owner to read before closing
// voting (the review page, /events/[slug]/admin/review). None of them proves anything and nothing is
// voided automatically: the owner decides (results/voiding.ts). Each query reads one event's rows only
// (its votes, attendances and teams through their event indexes): bounded, fine for 2,000 voters.

/** Teams that voted for each other are flagged when each side gave the other at least this many ballots. */
export const RECIPROCAL_MIN_BALLOTS = 2;
/** Ballots with the same picks (two picks or more) are flagged when at least this many are identical. */
export const IDENTICAL_BALLOTS_MIN = 4;
/**
 * Voters who joined the event (or created their account) after voting opened are flagged when at least
 * this many of them voted for the same project: one latecomer is ordinary, several backing one project
 * is the pattern of friends brought in to vote.
 */
export const LATE_VOTERS_MIN = 2;
/** A ballot saved sooner than this after the ballot page was served is flagged (nobody reads that fast). */
export const FAST_BALLOT_MS = 5_000;
/**
 * Ballots from one client address are flagged from this many on. At an in-person event the venue's
 * network often puts many honest attendees behind one address: read this flag with the others.
 */
export const SAME_CLIENT_MIN = 5;

export type IntegritySignal = 'reciprocal' | 'identical' | 'late' | 'fast' | 'same_client';

/** The signals in the order the review page shows them, with what each one means (read when used: in the request's language). */
export const INTEGRITY_SIGNALS: { key: IntegritySignal; title: string; explains: string }[] = [
	{
		key: 'reciprocal',
		get title() {
			return m.server_integrity_reciprocal_title();
		},
		get explains() {
			return m.server_integrity_reciprocal_explains({ count: RECIPROCAL_MIN_BALLOTS });
		}
	},
	{
		key: 'identical',
		get title() {
			return m.server_integrity_identical_title();
		},
		get explains() {
			return m.server_integrity_identical_explains({ count: IDENTICAL_BALLOTS_MIN });
		}
	},
	{
		key: 'late',
		get title() {
			return m.server_integrity_late_title();
		},
		get explains() {
			return m.server_integrity_late_explains({ count: LATE_VOTERS_MIN });
		}
	},
	{
		key: 'fast',
		get title() {
			return m.server_integrity_fast_title();
		},
		get explains() {
			return m.server_integrity_fast_explains({ count: FAST_BALLOT_MS / 1000 });
		}
	},
	{
		key: 'same_client',
		get title() {
			return m.server_integrity_same_client_title();
		},
		get explains() {
			return m.server_integrity_same_client_explains({ count: SAME_CLIENT_MIN });
		}
	}
];

/** One ballot named by a flag: the voter, their picks on record, and what the flag notes about it. */
export interface FlaggedBallot {
	voterId: string;
	voterName: string;
	picks: string[];
	savedAt: Date | null;
	note?: string;
}

/** One flag: which signal, why in words an owner can read, and the ballots involved. */
export interface IntegrityFlag {
	signal: IntegritySignal;
	reason: string;
	/** The ballots involved: all of them, or a review's first ones (`ballotCount` counts them all). */
	ballots: FlaggedBallot[];
	ballotCount: number;
}

interface RawFlag {
	reason: string;
	voters: string[];
	notes?: Record<string, string>;
}

const quote = (name: string) => `“${name}”`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const clock = (at: Date) => at.toISOString().slice(11, 16) + ' UTC';

async function reciprocalFlags(eventId: string): Promise<RawFlag[]> {
	const rows = await db.$queryRaw<
		{ team_a: string; team_b: string; a_to_b: number; b_to_a: number; voters: string[] }[]
	>`
		WITH team AS (
			SELECT p.id AS project_id, p.owner_id AS user_id FROM projects p WHERE p.event_id = ${eventId}::uuid
			UNION
			SELECT c.project_id, c.user_id FROM project_collaborators c
				JOIN projects p ON p.id = c.project_id WHERE p.event_id = ${eventId}::uuid
		), flow AS (
			SELECT t.project_id AS from_team, v.project_id AS to_team,
				count(DISTINCT v.voter_id)::int AS n, array_agg(DISTINCT v.voter_id) AS voters
			FROM team t JOIN votes v ON v.event_id = ${eventId}::uuid AND v.voter_id = t.user_id
			GROUP BY 1, 2
		)
		SELECT pa.name AS team_a, pb.name AS team_b, a.n AS a_to_b, b.n AS b_to_a,
			ARRAY(SELECT DISTINCT x FROM unnest(a.voters || b.voters) AS x) AS voters
		FROM flow a
		JOIN flow b ON b.from_team = a.to_team AND b.to_team = a.from_team
		JOIN projects pa ON pa.id = a.from_team
		JOIN projects pb ON pb.id = a.to_team
		WHERE a.from_team < a.to_team AND a.n >= ${RECIPROCAL_MIN_BALLOTS} AND b.n >= ${RECIPROCAL_MIN_BALLOTS}
		ORDER BY a.n + b.n DESC, 1, 2`;
	return rows.map((r) => {
		// Named in alphabetical order, so that the same pair always reads the same.
		const [first, second] = [r.team_a, r.team_b].sort().map(quote);
		const [one, other] = r.team_a <= r.team_b ? [r.a_to_b, r.b_to_a] : [r.b_to_a, r.a_to_b];
		const counts =
			one === other
				? m.server_integrity_each_way({ count: one })
				: m.server_integrity_from_first({ one, other });
		return { reason: m.server_integrity_reciprocal_reason({ first, second, counts }), voters: r.voters };
	});
}

async function identicalFlags(eventId: string): Promise<RawFlag[]> {
	const rows = await db.$queryRaw<{ names: string[]; voters: string[] }[]>`
		WITH ballot AS (
			SELECT v.voter_id, array_agg(v.project_id ORDER BY v.project_id) AS picks
			FROM votes v WHERE v.event_id = ${eventId}::uuid GROUP BY v.voter_id
		)
		SELECT ARRAY(SELECT p.name FROM projects p WHERE p.id = ANY (b.picks) ORDER BY p.name) AS names,
			array_agg(b.voter_id ORDER BY b.voter_id) AS voters
		FROM ballot b WHERE cardinality(b.picks) >= 2
		GROUP BY b.picks HAVING count(*) >= ${IDENTICAL_BALLOTS_MIN}
		ORDER BY count(*) DESC, 1`;
	return rows.map((r) => ({
		reason: m.server_integrity_identical_reason({
			count: r.voters.length,
			names: r.names.map(quote).join(', ')
		}),
		voters: r.voters
	}));
}

async function lateFlags(eventId: string): Promise<RawFlag[]> {
	// When voting (last) opened, from the event's audit log: an event moved to voting otherwise (a script,
	// the backfill) has no such time, and this signal then has nothing to compare with.
	const opened = await db.eventAuditLog.findFirst({
		where: { eventId, action: 'phase_changed', details: { path: ['to'], equals: 'voting' } },
		select: { createdAt: true },
		orderBy: { createdAt: 'desc' }
	});
	if (!opened) return [];
	const rows = await db.$queryRaw<{ project: string; voters: string[]; joined: Date[]; created: Date[] }[]>`
		SELECT p.name AS project, array_agg(a.user_id ORDER BY a.user_id) AS voters,
			array_agg(a.joined_at ORDER BY a.user_id) AS joined, array_agg(u.created_at ORDER BY a.user_id) AS created
		FROM event_attendees a
		JOIN users u ON u.id = a.user_id
		JOIN votes v ON v.event_id = a.event_id AND v.voter_id = a.user_id
		JOIN projects p ON p.id = v.project_id
		WHERE a.event_id = ${eventId}::uuid
			AND (a.joined_at > ${opened.createdAt} OR u.created_at > ${opened.createdAt})
		GROUP BY p.id, p.name HAVING count(*) >= ${LATE_VOTERS_MIN}
		ORDER BY count(*) DESC, 1`;
	const since = opened.createdAt.getTime();
	const minutes = (at: Date) => Math.max(1, Math.round((at.getTime() - since) / 60_000));
	return rows.map((r) => {
		const notes: Record<string, string> = {};
		r.voters.forEach((voter, i) => {
			const parts = [];
			if (r.created[i].getTime() > since)
				parts.push(m.server_integrity_late_created({ minutes: minutes(r.created[i]) }));
			if (r.joined[i].getTime() > since)
				parts.push(m.server_integrity_late_joined({ minutes: minutes(r.joined[i]) }));
			notes[voter] = m.server_integrity_late_note({ parts: parts.join(', ') });
		});
		return {
			reason: m.server_integrity_late_reason({
				count: r.voters.length,
				time: clock(opened.createdAt),
				project: quote(r.project)
			}),
			voters: r.voters,
			notes
		};
	});
}

async function fastFlags(eventId: string): Promise<RawFlag[]> {
	const rows = await db.$queryRaw<{ voter: string; ms: number }[]>`
		SELECT a.user_id AS voter, a.ballot_served_ms AS ms FROM event_attendees a
		WHERE a.event_id = ${eventId}::uuid AND a.ballot_served_ms < ${FAST_BALLOT_MS}
			AND EXISTS (SELECT 1 FROM votes v WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)
		ORDER BY a.ballot_served_ms, a.user_id`;
	if (rows.length === 0) return [];
	return [
		{
			reason: m.server_integrity_fast_reason({ count: rows.length, seconds: FAST_BALLOT_MS / 1000 }),
			voters: rows.map((r) => r.voter),
			notes: Object.fromEntries(
				rows.map((r) => [r.voter, m.server_integrity_fast_note({ time: seconds(r.ms) })])
			)
		}
	];
}

async function sameClientFlags(eventId: string): Promise<RawFlag[]> {
	const rows = await db.$queryRaw<{ voters: string[] }[]>`
		SELECT array_agg(a.user_id ORDER BY a.user_id) AS voters FROM event_attendees a
		WHERE a.event_id = ${eventId}::uuid AND a.ballot_client IS NOT NULL
			AND EXISTS (SELECT 1 FROM votes v WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)
		GROUP BY a.ballot_client HAVING count(*) >= ${SAME_CLIENT_MIN}
		ORDER BY count(*) DESC`;
	return rows.map((r, i) => ({
		reason: m.server_integrity_same_client_reason({ count: r.voters.length, index: i + 1 }),
		voters: r.voters
	}));
}

/** The ballots on record of `voterIds` in the event: voter's name, picks (project names), when saved. */
async function describeBallots(eventId: string, voterIds: string[]) {
	if (voterIds.length === 0) return new Map<string, Omit<FlaggedBallot, 'note'>>();
	const rows = await db.$queryRaw<
		{ voter_id: string; voter_name: string; picks: string[]; saved_at: Date | null }[]
	>`
		SELECT a.user_id AS voter_id, u.display_name AS voter_name, a.ballot_saved_at AS saved_at,
			ARRAY(SELECT p.name FROM votes v JOIN projects p ON p.id = v.project_id
				WHERE v.event_id = a.event_id AND v.voter_id = a.user_id ORDER BY p.name) AS picks
		FROM event_attendees a JOIN users u ON u.id = a.user_id
		WHERE a.event_id = ${eventId}::uuid AND a.user_id = ANY (${voterIds}::uuid[])`;
	return new Map(
		rows.map((r) => [
			r.voter_id,
			{ voterId: r.voter_id, voterName: r.voter_name, picks: r.picks, savedAt: r.saved_at }
		])
	);
}

/** What each signal finds in the event, in INTEGRITY_SIGNALS' order (the five queries run side by side). */
async function findFlags(eventId: string): Promise<[IntegritySignal, RawFlag[]][]> {
	const found = await Promise.all([
		reciprocalFlags(eventId),
		identicalFlags(eventId),
		lateFlags(eventId),
		fastFlags(eventId),
		sameClientFlags(eventId)
	]);
	return INTEGRITY_SIGNALS.map((s, i): [IntegritySignal, RawFlag[]] => [s.key, found[i]]);
}

/** The flags with the ballots they name, read in one query; `ballotCount` counts those not shown too. */
async function withBallots(
	eventId: string,
	found: [IntegritySignal, RawFlag[]][],
	perFlag = Infinity
): Promise<IntegrityFlag[]> {
	const shown = found.map(
		([signal, flags]) => [signal, flags.map((f) => f.voters.slice(0, perFlag))] as const
	);
	const voters = [...new Set(shown.flatMap(([, flags]) => flags.flat()))];
	const ballots = await describeBallots(eventId, voters);
	return found.flatMap(([signal, flags], s) =>
		flags.map((flag, f) => ({
			signal,
			reason: flag.reason,
			ballotCount: flag.voters.length,
			ballots: shown[s][1][f].flatMap((voter): FlaggedBallot[] => {
				const ballot = ballots.get(voter);
				return ballot ? [{ ...ballot, note: flag.notes?.[voter] }] : [];
			})
		}))
	);
}

/**
 * Every integrity flag of the event, grouped by signal (INTEGRITY_SIGNALS' order), each with its reason
 * and the ballots involved. Voided ballots are out of `votes` and so out of every signal.
 */
export async function listIntegrityFlags(eventId: string): Promise<IntegrityFlag[]> {
	return withBallots(eventId, await findFlags(eventId));
}

/**
 * The owner's review: the first `perSignal` flags of each signal, in INTEGRITY_SIGNALS' order, each with
 * its first `perFlag` ballots, and each signal's total. In a big event a signal can raise hundreds of
 * flags, and one flag can name thousands of ballots (a 4,500-voter event's page was 5 MB, then 1.1 MB
 * with 50 flags a signal and 20 ballots a flag); a voided ballot leaves the list, so the next ones come up.
 */
export async function listReviewFlags(eventId: string, perSignal = 20, perFlag = 10) {
	const found = await findFlags(eventId);
	return {
		totals: Object.fromEntries(found.map(([signal, flags]) => [signal, flags.length])) as Record<
			IntegritySignal,
			number
		>,
		flags: await withBallots(
			eventId,
			found.map(([signal, flags]): [IntegritySignal, RawFlag[]] => [signal, flags.slice(0, perSignal)]),
			perFlag
		)
	};
}

// The review of a big event reads every ballot five ways (a 4,500-voter event: about 100 ms of the
// database's time), and its owner and co-organisers may open it again and again while voting runs. It
// is kept 2 s per event and language (see kept.ts); a void forgets it at once.
const reviews = keptPerEvent(2_000, (eventId) => listReviewFlags(eventId));

/** listReviewFlags with its first flags and ballots, kept 2 s per event (reads in the request's language). */
export function reviewFlags(eventId: string) {
	return reviews.get(eventId, getLocale());
}
