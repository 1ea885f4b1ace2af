import { lockOwnedEvent, type Actor } from '../admin/access.ts';
import { recordAuditEntry } from '../admin/audit.ts';
import { db } from '../db.ts';
import type { ShortlistInput } from '$lib/schemas/admin';

// Coverage for large events (issue 15 item 2): above the owner's threshold each ballot starts with a
// shortlist of the projects seen least so far (chosen in exposure.ts), and the owner follows how evenly
// the event's projects have been shown.

/** The shortlist setting of an event: a threshold in projects (null: never) and the shortlist size. */
export async function getShortlistSettings(eventId: string) {
	const design = await db.ballotDesign.findUnique({
		where: { eventId },
		select: { shortlistThreshold: true, shortlistSize: true }
	});
	return { threshold: design?.shortlistThreshold ?? null, size: design?.shortlistSize ?? 12 };
}

/**
 * Sets when ballots of the event start with a shortlist, and how long it is; the event's owner only,
 * recorded in the event's audit log. Voters who have opened the ballot keep what they were given.
 */
export async function updateShortlistSettings(actor: Actor, eventId: string, input: ShortlistInput) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const before = await tx.ballotDesign.findUnique({
			where: { eventId },
			select: { shortlistThreshold: true, shortlistSize: true }
		});
		const from = { threshold: before?.shortlistThreshold ?? null, size: before?.shortlistSize ?? 12 };
		if (from.threshold === input.threshold && from.size === input.size) return { changed: false };
		await tx.ballotDesign.upsert({
			where: { eventId },
			create: { eventId, shortlistThreshold: input.threshold, shortlistSize: input.size },
			update: { shortlistThreshold: input.threshold, shortlistSize: input.size }
		});
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'settings_changed',
			summary: shortlistSummary(input),
			details: { shortlist: { from, to: input } }
		});
		return { changed: true };
	});
}

/**
 * How evenly the event's ballots have shown its projects: impressions per project (min, median, max,
 * and how many projects fewer than 10 voters have seen), with how many voters opened the ballot and
 * how many of them got a shortlist. One query, grouped in the database.
 */
export async function summariseCoverage(eventId: string) {
	const [row] = await db.$queryRaw<
		{
			projects: number;
			min: number | null;
			median: number | null;
			max: number | null;
			under_ten: number;
			ballots: number;
			shortlisted: number;
		}[]
	>`
		WITH seen AS (
			SELECT p.id, count(i.project_id)::int AS n
			FROM projects p LEFT JOIN ballot_impressions i ON i.event_id = p.event_id AND i.project_id = p.id
			WHERE p.event_id = ${eventId}::uuid
			GROUP BY p.id)
		SELECT (SELECT count(*)::int FROM seen) AS projects,
			(SELECT min(n) FROM seen) AS min,
			(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM seen)::float8 AS median,
			(SELECT max(n) FROM seen) AS max,
			(SELECT count(*)::int FROM seen WHERE n < 10) AS under_ten,
			(SELECT count(*)::int FROM ballot_assignments WHERE event_id = ${eventId}::uuid) AS ballots,
			(SELECT count(*)::int FROM ballot_assignments
				WHERE event_id = ${eventId}::uuid AND shortlist_size IS NOT NULL) AS shortlisted`;
	return {
		projects: row.projects,
		min: row.min ?? 0,
		median: row.median ?? 0,
		max: row.max ?? 0,
		underTen: row.under_ten,
		ballots: row.ballots,
		shortlisted: row.shortlisted
	};
}

// The audit record is stored, and read by every owner of the event in one language: English.
function shortlistSummary(input: ShortlistInput): string {
	// i18n-ignore
	if (input.threshold === null) return 'Ballots show every project (no shortlist).';
	// i18n-ignore
	return `Ballots of more than ${input.threshold} projects start with a shortlist of ${input.size}.`;
}
