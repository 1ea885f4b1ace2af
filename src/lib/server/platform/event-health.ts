import type { EventPhase } from '../generated/prisma/client.ts';
import { db } from '../db.ts';

/** What needs an operator's eye in an event. */
export type HealthFlag = 'voting_without_ballots' | 'low_turnout' | 'draft_with_attendees';

const HOUR_MS = 60 * 60 * 1000;

/** The figures of one event that the directory and the event's page show. */
export interface EventStats {
	attendees: number;
	projects: number;
	/** Distinct people with at least one vote in the event. */
	voters: number;
	votes: number;
	/** Voters per attendee, 0–100 (rounded); null without attendees. */
	turnout: number | null;
	/** The latest join, project, vote or event audit row. */
	lastActivity: Date | null;
	/** When the event last moved into voting, by its audit log. */
	votingSince: Date | null;
}

interface StatsRow {
	event_id: string;
	attendees: number;
	last_join: Date | null;
	projects: number;
	last_project: Date | null;
	voters: number;
	votes: number;
	last_vote: Date | null;
	last_audit: Date | null;
	voting_since: Date | null;
}

const latest = (...dates: (Date | null)[]) =>
	dates.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);

/**
 * The figures of the given events, in one query: counts grouped by event over the indexes on event_id,
 * for these events only (a page of the directory, or one event).
 */
export async function readEventStats(eventIds: string[]): Promise<Map<string, EventStats>> {
	const stats = new Map<string, EventStats>();
	if (eventIds.length === 0) return stats;
	// `= ANY(array)` rather than a join to the list: the planner then knows how many events there are
	// and reads each table through its event_id index (a join made it scan all million votes).
	const ids = eventIds;
	const rows = await db.$queryRaw<StatsRow[]>`
		WITH att AS (
			SELECT event_id, count(*)::int AS n, max(joined_at) AS last FROM event_attendees
			WHERE event_id = ANY(${ids}::uuid[]) GROUP BY event_id),
		prj AS (
			SELECT event_id, count(*)::int AS n, max(created_at) AS last FROM projects
			WHERE event_id = ANY(${ids}::uuid[]) GROUP BY event_id),
		vts AS (
			SELECT event_id, count(DISTINCT voter_id)::int AS voters, count(*)::int AS n, max(created_at) AS last
			FROM votes WHERE event_id = ANY(${ids}::uuid[]) GROUP BY event_id),
		aud AS (
			SELECT event_id, max(created_at) AS last,
				max(created_at) FILTER (WHERE action = 'phase_changed' AND details->>'to' = 'voting') AS voting_since
			FROM event_audit_log WHERE event_id = ANY(${ids}::uuid[]) GROUP BY event_id)
		SELECT ids.id::text AS event_id,
			coalesce(att.n, 0) AS attendees, att.last AS last_join,
			coalesce(prj.n, 0) AS projects, prj.last AS last_project,
			coalesce(vts.voters, 0) AS voters, coalesce(vts.n, 0) AS votes, vts.last AS last_vote,
			aud.last AS last_audit, aud.voting_since
		FROM unnest(${ids}::uuid[]) AS ids (id)
			LEFT JOIN att ON att.event_id = ids.id
			LEFT JOIN prj ON prj.event_id = ids.id
			LEFT JOIN vts ON vts.event_id = ids.id
			LEFT JOIN aud ON aud.event_id = ids.id`;
	for (const row of rows) {
		stats.set(row.event_id, {
			attendees: row.attendees,
			projects: row.projects,
			voters: row.voters,
			votes: row.votes,
			turnout: row.attendees > 0 ? Math.min(100, Math.round((row.voters / row.attendees) * 100)) : null,
			lastActivity: latest(row.last_join, row.last_project, row.last_vote, row.last_audit),
			votingSince: row.voting_since
		});
	}
	return stats;
}

/**
 * The flags an operator acts on. "Voting for over an hour" counts from the audit log's latest move into
 * voting; an event with no such row (imported from Airtable, or set up in SQL) counts from its creation.
 */
export function healthFlags(
	event: { phase: EventPhase; createdAt: Date },
	stats: EventStats,
	now = new Date()
): HealthFlag[] {
	const flags: HealthFlag[] = [];
	const votingSince = stats.votingSince ?? event.createdAt;
	if (event.phase === 'voting' && stats.voters === 0 && now.getTime() - votingSince.getTime() > HOUR_MS) {
		flags.push('voting_without_ballots');
	}
	if (event.phase === 'closed' && stats.attendees > 0 && stats.voters * 2 < stats.attendees) {
		flags.push('low_turnout');
	}
	if (event.phase === 'draft' && stats.attendees > 0) flags.push('draft_with_attendees');
	return flags;
}
