import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { CsvCell, CsvExport } from '../admin/csv.ts';
import { isUuid } from '../ids.ts';
import { recordPlatformAction, type PlatformActor } from './audit.ts';

// The per-project export that Podium's operators hand on to Hack Club's grant programmes (YSWS): one row
// per project and person (the owner, then each teammate), with the project's links and hours and the
// person's name, email, address and birth date. One row per person rather than a column group per
// teammate: a grant is paid per person, the grant programmes' sheets hold one submission per person, a
// fixed set of columns imports cleanly however large a team, and rows filter and sort as they are.
// Private data: platform admins only, and every download is recorded.

/** Which events to export, as read from the form (a GET query, so a download link can carry it). */
export interface ExportSelection {
	/** Slugs typed or picked: these events are exported even when soft-deleted (an explicit choice). */
	slugs: string[];
	/** All events created in these UTC days (inclusive), soft-deleted ones only with `includeDeleted`. */
	from?: string;
	to?: string;
	includeDeleted: boolean;
	/** A series id: all its events (soft-deleted ones only with `includeDeleted`). */
	series?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_SLUGS = 1_000;

function day(text: string | null) {
	return text && DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? text : undefined;
}

/** Reads ?slugs= (one text: commas, spaces or lines), ?event= (repeated), ?from=, ?to=, ?deleted=on. */
export function readExportSelection(params: URLSearchParams): ExportSelection {
	const typed = [...params.getAll('slugs'), ...params.getAll('event')].join(' ').toLowerCase();
	const slugs = [...new Set(typed.split(/[\s,]+/).filter(Boolean))].slice(0, MAX_SLUGS);
	return {
		slugs,
		from: day(params.get('from')),
		to: day(params.get('to')),
		includeDeleted: params.get('deleted') === 'on',
		series: isUuid(params.get('series')) ? params.get('series')!.toLowerCase() : undefined
	};
}

export function isEmptySelection(selection: ExportSelection) {
	return !selection.slugs.length && !selection.from && !selection.to && !selection.series;
}

/** The chosen events (by name), and the slugs typed that match no event. */
export async function resolveExportEvents(selection: ExportSelection) {
	const range: Prisma.EventWhereInput[] = [];
	if (selection.from || selection.to) {
		range.push({
			createdAt: {
				...(selection.from ? { gte: new Date(`${selection.from}T00:00:00Z`) } : {}),
				...(selection.to ? { lt: new Date(Date.parse(`${selection.to}T00:00:00Z`) + 86_400_000) } : {})
			},
			...(selection.includeDeleted ? {} : { deletedAt: null })
		});
	}
	if (selection.series) {
		range.push({ seriesId: selection.series, ...(selection.includeDeleted ? {} : { deletedAt: null }) });
	}
	const events = await db.event.findMany({
		where: { OR: [...(selection.slugs.length ? [{ slug: { in: selection.slugs } }] : []), ...range] },
		select: { id: true, name: true, slug: true, deletedAt: true },
		orderBy: [{ name: 'asc' }, { id: 'asc' }]
	});
	const found = new Set(events.map((event) => event.slug));
	return { events, unknownSlugs: selection.slugs.filter((slug) => !found.has(slug)) };
}

/** How many projects and rows (one per project and person) the events hold. */
async function countRows(eventIds: string[]) {
	const [counts] = await db.$queryRaw<{ projects: bigint; teammates: bigint }[]>`
		SELECT (SELECT count(*) FROM "projects" WHERE "event_id" = ANY(${eventIds}::uuid[])) AS "projects",
			(SELECT count(*) FROM "project_collaborators" c JOIN "projects" p ON p."id" = c."project_id"
				WHERE p."event_id" = ANY(${eventIds}::uuid[])) AS "teammates"`;
	const projects = Number(counts.projects);
	return { projects, rows: projects + Number(counts.teammates) };
}

/** What a download of this selection would hold, for the page to show before it is made. */
export async function previewExport(selection: ExportSelection) {
	const { events, unknownSlugs } = await resolveExportEvents(selection);
	const counts = await countRows(events.map((event) => event.id));
	return { events: events.slice(0, 100), eventCount: events.length, unknownSlugs, ...counts };
}

/** The most recent events, for the form's picker. */
export function listRecentEvents(take = 100) {
	return db.event.findMany({
		select: { slug: true, name: true, deletedAt: true },
		orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
		take
	});
}

export const PROJECT_EXPORT_HEADER = [
	'Event',
	'Event slug',
	'Project',
	'Project id',
	'Description',
	'Repo URL',
	'Demo URL',
	'Image URL',
	'Hours spent',
	'Role',
	'First name',
	'Last name',
	'Display name',
	'Email',
	'Street 1',
	'Street 2',
	'City',
	'State',
	'ZIP code',
	'Country',
	'Birth date'
];

/**
 * Records the export (events and row count) and returns its rows, read as the download is sent: one
 * query per batch of projects, keyset-paged on the project id (the primary key's order: with many events
 * chosen, the scan reads only the batch; ordered by event it would sort all their projects for every
 * batch). Undefined when the selection holds no event.
 */
export async function exportProjects(
	actor: PlatformActor,
	selection: ExportSelection,
	batchSize = 500
): Promise<CsvExport<CsvCell[][]> | undefined> {
	const { events } = await resolveExportEvents(selection);
	if (!events.length) return undefined;
	const ids = events.map((event) => event.id);
	const counts = await countRows(ids);
	await db.$transaction((tx) =>
		recordPlatformAction(tx, {
			actor,
			action: 'projects_exported',
			summary: `Downloaded the project export of ${events.length === 1 ? events[0].name : `${events.length} events`}: ${counts.projects} project(s), ${counts.rows} row(s).`,
			targetEventId: events.length === 1 ? events[0].id : undefined,
			details: {
				eventCount: events.length,
				// A range of years can hold thousands of events: the first 500 are named, the count is exact.
				events: events.slice(0, 500).map(({ id, slug, name }) => ({ id, slug, name })),
				projects: counts.projects,
				rows: counts.rows,
				selection: { ...selection }
			}
		})
	);
	// What the file holds is fixed by the events resolved here: downloads of the same events share a reading.
	return { batches: projectBatches(ids, batchSize), sharedAs: `projects ${ids.join(',')}` };
}

interface ExportRow {
	project_id: string;
	position: number;
	event_name: string;
	event_slug: string;
	name: string;
	description: string;
	repo_url: string | null;
	demo_url: string | null;
	image_url: string | null;
	hours_spent: number;
	first_name: string;
	last_name: string | null;
	display_name: string;
	email: string;
	street_1: string | null;
	street_2: string | null;
	city: string | null;
	state: string | null;
	zip_code: string | null;
	country: string | null;
	dob: string | null;
}

async function* projectBatches(eventIds: string[], batchSize: number): AsyncGenerator<CsvCell[][]> {
	let after: string | undefined;
	for (;;) {
		const rows = await db.$queryRaw<ExportRow[]>`
			WITH "batch" AS (
				SELECT p."id", p."event_id", p."owner_id", p."name", p."description", p."repo_url", p."demo_url",
					p."image_url", p."hours_spent"
				FROM "projects" p
				WHERE p."event_id" = ANY(${eventIds}::uuid[])
					${after ? Prisma.sql`AND p."id" > ${after}::uuid` : Prisma.empty}
				ORDER BY p."id"
				LIMIT ${batchSize}
			), "people" AS (
				SELECT b."id" AS "project_id", b."owner_id" AS "user_id", 0 AS "position", NULL::timestamptz AS "joined_at"
				FROM "batch" b
				UNION ALL
				SELECT c."project_id", c."user_id", 1, c."joined_at"
				FROM "project_collaborators" c JOIN "batch" b ON b."id" = c."project_id"
			)
			SELECT b."id" AS "project_id", pe."position", e."name" AS "event_name",
				e."slug" AS "event_slug", b."name", b."description", b."repo_url", b."demo_url", b."image_url",
				b."hours_spent", u."first_name", u."last_name", u."display_name", u."email", u."street_1",
				u."street_2", u."city", u."state", u."zip_code", u."country", to_char(u."dob", 'YYYY-MM-DD') AS "dob"
			FROM "batch" b
			JOIN "events" e ON e."id" = b."event_id"
			JOIN "people" pe ON pe."project_id" = b."id"
			JOIN "users" u ON u."id" = pe."user_id"
			ORDER BY b."id", pe."position", pe."joined_at", u."email"`;
		yield rows.map((row) => [
			row.event_name,
			row.event_slug,
			row.name,
			row.project_id,
			row.description,
			row.repo_url,
			row.demo_url,
			row.image_url,
			Number(row.hours_spent),
			row.position === 0 ? 'owner' : 'teammate',
			row.first_name,
			row.last_name,
			row.display_name,
			row.email,
			row.street_1,
			row.street_2,
			row.city,
			row.state,
			row.zip_code,
			row.country,
			row.dob
		]);
		// Every project has exactly one owner row: fewer owners than asked for means the last batch.
		const projects = rows.filter((row) => row.position === 0);
		if (projects.length < batchSize) return;
		const last = projects[projects.length - 1];
		after = last.project_id;
	}
}
