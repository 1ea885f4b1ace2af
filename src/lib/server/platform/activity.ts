import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { AuditAction } from '../admin/audit.ts';
import type { CsvCell, CsvExport } from '../admin/csv.ts';
import { recordPlatformAction, type PlatformAction, type PlatformActor } from './audit.ts';

// The app-wide activity log (/admin/activity): what platform admins did (platform_audit_log) and what
// every event's owner did (event_audit_log), merged into one list, newest first. Paged by keyset on
// (created_at, id): each table is read through its created_at DESC index, limited, and the two are merged
// (UNION ALL), so a page costs the same on page 1 and page 5,000.

export const ACTIVITY_PAGE_SIZE = 50;

/** Every kind of entry, for the filter's choices. */
export const ACTIVITY_KINDS: string[] = [
	...([
		'phase_changed',
		'join_code_regenerated',
		'attendee_removed',
		'project_removed',
		'settings_changed',
		'event_deleted',
		'sign_in_code_issued',
		'sign_in_code_used',
		'schedule_changed',
		'scheduled_change_skipped',
		'voting_reminders_sent'
	] satisfies AuditAction[]),
	...([
		'platform_admin_granted',
		'platform_admin_revoked',
		'event_transferred',
		'event_soft_deleted',
		'event_restored',
		'event_purged',
		'private_fields_revealed',
		'email_changed',
		'people_merged',
		'signed_out_everywhere',
		'person_exported',
		'person_deleted',
		'attendee_added',
		'teammate_added',
		'teammate_removed',
		'legacy_points_adjusted',
		'ballot_voided',
		'projects_exported',
		'activity_exported',
		'series_created',
		'series_changed',
		'series_deleted',
		'series_event_added',
		'series_event_removed',
		'series_flagship_set',
		'maintenance_started',
		'maintenance_ended'
	] satisfies PlatformAction[])
].sort();

export type ActivitySource = 'platform' | 'event';

/** The filters of the list, as read from the query string (see readActivityFilters). */
export interface ActivityFilters {
	actor?: string;
	event?: string;
	kind?: string;
	source?: ActivitySource;
	/** Inclusive UTC days, YYYY-MM-DD. */
	from?: string;
	to?: string;
}

/** A position in the list: the entries older than this one come next. */
export interface ActivityCursor {
	createdAt: Date;
	id: string;
}

export interface ActivityEntry {
	source: ActivitySource;
	id: string;
	createdAt: Date;
	actorName: string;
	action: string;
	summary: string;
	reason: string | null;
	eventName: string | null;
	eventSlug: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validDay(text: string | null): string | undefined {
	if (!text || !DAY.test(text)) return undefined;
	return Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? undefined : text;
}

/** Reads the filters from a query string; anything odd is left out rather than refused. */
export function readActivityFilters(params: URLSearchParams): ActivityFilters {
	const text = (name: string) => (params.get(name) ?? '').trim().slice(0, 200) || undefined;
	const kind = text('kind');
	const source = params.get('source');
	return {
		actor: text('actor'),
		event: text('event'),
		kind: kind && ACTIVITY_KINDS.includes(kind) ? kind : undefined,
		source: source === 'platform' || source === 'event' ? source : undefined,
		from: validDay(params.get('from')),
		to: validDay(params.get('to'))
	};
}

/** The filters as a query string, for links (the next page, the CSV download). */
export function activityQuery(filters: ActivityFilters): URLSearchParams {
	return new URLSearchParams(
		Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]))
	);
}

/** "<ISO time>_<id>": the `before` parameter of the next page's link. */
export function encodeCursor(cursor: ActivityCursor): string {
	return `${cursor.createdAt.toISOString()}_${cursor.id}`;
}

/** Reads `before`; a malformed one is ignored (the first page). */
export function decodeCursor(text: string | null): ActivityCursor | undefined {
	const [time, id] = (text ?? '').split('_');
	const createdAt = new Date(time);
	if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) return undefined;
	return { createdAt, id: id.toLowerCase() };
}

/** ILIKE's pattern for "contains", with the user's %, _ and \ taken literally. */
function containing(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function where(table: 'p' | 'l', filters: ActivityFilters, cursor?: ActivityCursor): Prisma.Sql {
	const t = Prisma.raw(table);
	const parts: Prisma.Sql[] = [];
	if (cursor) {
		// Spelled out rather than a row comparison, so that the created_at index bounds the scan.
		const at = cursor.createdAt.toISOString();
		parts.push(Prisma.sql`${t}."created_at" <= ${at}::timestamptz
			AND (${t}."created_at" < ${at}::timestamptz OR ${t}."id" < ${cursor.id}::uuid)`);
	}
	if (filters.actor) parts.push(Prisma.sql`${t}."actor_name" ILIKE ${containing(filters.actor)}`);
	if (filters.kind) parts.push(Prisma.sql`${t}."action" = ${filters.kind}`);
	// Days are UTC days, whatever the database session's time zone.
	if (filters.from)
		parts.push(Prisma.sql`${t}."created_at" >= (${filters.from}::date)::timestamp AT TIME ZONE 'UTC'`);
	if (filters.to)
		parts.push(Prisma.sql`${t}."created_at" < (${filters.to}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
	if (filters.event) {
		// ANY(ARRAY(...)) rather than IN (...): the ids are found first, so that the index on the event id
		// (OR'ed with the name's trigram index) answers, not a scan of the whole log.
		const matching = Prisma.sql`ANY(ARRAY(SELECT "id" FROM "events"
			WHERE "slug" = ${filters.event.toLowerCase()} OR "name" ILIKE ${containing(filters.event)}))`;
		parts.push(
			table === 'p'
				? Prisma.sql`p."target_event_id" = ${matching}`
				: // The name kept in the log finds the entries of a purged event too.
					Prisma.sql`(l."event_id" = ${matching} OR l."event_name" ILIKE ${containing(filters.event)})`
		);
	}
	return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty;
}

interface Row {
	source: ActivitySource;
	id: string;
	created_at: Date;
	actor_name: string;
	action: string;
	summary: string;
	reason: string | null;
	event_name: string | null;
	event_slug: string | null;
}

/** Up to `limit` entries after `cursor` (or the newest), newest first: one query. */
async function readActivity(filters: ActivityFilters, limit: number, cursor?: ActivityCursor) {
	// With an event filter, the matching rows are found first (through the event id and name indexes) and
	// then sorted: "OFFSET 0" keeps the planner from walking the created_at index in the hope of meeting
	// an old event's few rows early, which reads most of the log.
	const fence = filters.event ? Prisma.sql`OFFSET 0` : Prisma.empty;
	const newest = (select: Prisma.Sql) =>
		Prisma.sql`(SELECT * FROM (${select} ${fence}) AS "branch"
			ORDER BY "created_at" DESC, "id" DESC LIMIT ${limit})`;
	const branches: Prisma.Sql[] = [];
	if (filters.source !== 'event') {
		branches.push(
			newest(Prisma.sql`SELECT 'platform' AS "source", p."id", p."created_at", p."actor_name", p."action",
				p."summary", p."reason", e."name" AS "event_name", e."slug" AS "event_slug"
			FROM "platform_audit_log" p LEFT JOIN "events" e ON e."id" = p."target_event_id"
			${where('p', filters, cursor)}`)
		);
	}
	if (filters.source !== 'platform') {
		branches.push(
			newest(Prisma.sql`SELECT 'event' AS "source", l."id", l."created_at", l."actor_name", l."action",
				l."summary", NULL AS "reason", l."event_name", e."slug" AS "event_slug"
			FROM "event_audit_log" l LEFT JOIN "events" e ON e."id" = l."event_id"
			${where('l', filters, cursor)}`)
		);
	}
	const rows = await db.$queryRaw<Row[]>`
		SELECT * FROM (${Prisma.join(branches, ' UNION ALL ')}) AS "merged"
		ORDER BY "created_at" DESC, "id" DESC LIMIT ${limit}`;
	return rows.map((row): ActivityEntry => ({
		source: row.source,
		id: row.id,
		createdAt: row.created_at,
		actorName: row.actor_name,
		action: row.action,
		summary: row.summary,
		reason: row.reason,
		eventName: row.event_name,
		eventSlug: row.event_slug
	}));
}

/** A page of the activity log and the cursor of the next one (none on the last page). */
export async function listActivity(filters: ActivityFilters, cursor?: ActivityCursor) {
	const rows = await readActivity(filters, ACTIVITY_PAGE_SIZE + 1, cursor);
	const entries = rows.slice(0, ACTIVITY_PAGE_SIZE);
	const last = entries.at(-1);
	return { entries, next: rows.length > ACTIVITY_PAGE_SIZE && last ? encodeCursor(last) : undefined };
}

export const ACTIVITY_CSV_HEADER = [
	'When (UTC)',
	'Source',
	'Who',
	'Kind',
	'What',
	'Reason',
	'Event',
	'Event slug',
	'Entry id'
];

// Each batch is one query over both logs (two sorted branches): batches of 2,500 rather than 1,000 made
// the download a fifth quicker; a chunk of 2,500 entries is under a megabyte (BENCHMARKS.md,
// issue #12, eighth session).
const EXPORT_BATCH = 2_500;

/**
 * Records the export of the activity log (with its filters) and returns its rows, read in keyset
 * batches of 2,500 as the download is sent.
 */
export async function exportActivity(
	actor: PlatformActor,
	filters: ActivityFilters,
	{ batchSize = EXPORT_BATCH } = {}
): Promise<CsvExport<CsvCell[][]>> {
	await db.$transaction((tx) =>
		recordPlatformAction(tx, {
			actor,
			action: 'activity_exported',
			summary: 'Downloaded the activity log as CSV.', // i18n-ignore: a stored audit record
			details: { filters: { ...filters } }
		})
	);
	// The same filters, the same entries: admins who ask at the same moment share one reading.
	return { batches: activityBatches(filters, batchSize), sharedAs: `activity ${JSON.stringify(filters)}` };
}

// The app writes these lines, not the database as for the event downloads (exports.ts): with six text
// cells a row, csv_cell() in PostgreSQL cost 5.7 ms more per batch of 1,000 than reading the rows, and
// the download was no faster (BENCHMARKS.md, issue #12, seventh session).
async function* activityBatches(filters: ActivityFilters, batchSize: number) {
	let cursor: ActivityCursor | undefined;
	for (;;) {
		const entries = await readActivity(filters, batchSize, cursor);
		yield entries.map((e) => [
			e.createdAt,
			e.source === 'platform' ? 'platform admin' : 'event owner',
			e.actorName,
			e.action,
			e.summary,
			e.reason,
			e.eventName,
			e.eventSlug,
			e.id
		]);
		if (entries.length < batchSize) return;
		cursor = entries[entries.length - 1];
	}
}
