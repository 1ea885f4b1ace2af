import { eventFiltersSchema, type EventFilters } from '$lib/schemas/platform-events';
import { fieldErrors } from '$lib/schemas/forms';
import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../ids.ts';
import { RuleViolation } from '../rules.ts';
import { healthFlags, readEventStats, type EventStats, type HealthFlag } from './event-health.ts';
import { m } from '../../paraglide/messages.js';

/** Rows per page of the events directory. */
export const EVENTS_PAGE_SIZE = 50;
/**
 * How many events one request looks at when only flagged events are asked for: flags need each event's
 * counts, so the page walks the directory in windows of this size and says where it stopped. Reading
 * the counts of 200 events (about 40,000 votes) takes ~130 ms at 100,000 people; 500 took ~350 ms.
 */
export const FLAG_SCAN_WINDOW = 200;

/** A place in the directory's order (newest first): the last row of the previous page. */
export interface EventCursor {
	createdAt: Date;
	id: string;
}

/** The cursor as it travels in the query string: "<ISO time>_<id>". */
export function encodeCursor(cursor: EventCursor): string {
	return `${cursor.createdAt.toISOString()}_${cursor.id}`;
}

/** Reads `?after=`; anything unreadable starts from the top. */
export function decodeCursor(text: string | null): EventCursor | undefined {
	const [at, id] = (text ?? '').split('_');
	const createdAt = new Date(at);
	return isUuid(id) && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : undefined;
}

/**
 * The directory's filters from its query string. A filter that cannot be read is left out and
 * explained in `errors`, so that the page still shows a list.
 */
export function readEventFilters(params: URLSearchParams): {
	filters: EventFilters;
	errors: Record<string, string>;
	values: Record<string, string>;
} {
	const values: Record<string, string> = {};
	for (const key of Object.keys(eventFiltersSchema.shape)) {
		const value = params.get(key)?.trim();
		if (value) values[key] = value.slice(0, 320);
	}
	const errors: Record<string, string> = {};
	let parsed = eventFiltersSchema.safeParse(values);
	if (!parsed.success) {
		Object.assign(errors, fieldErrors(parsed.error));
		const kept = Object.fromEntries(Object.entries(values).filter(([key]) => !(key in errors)));
		parsed = eventFiltersSchema.safeParse(kept);
	}
	return { filters: parsed.success ? parsed.data : eventFiltersSchema.parse({}), errors, values };
}

function whereOf(filters: EventFilters, after?: EventCursor): Prisma.EventWhereInput {
	const and: Prisma.EventWhereInput[] = [];
	if (filters.phase) and.push({ phase: filters.phase });
	if (filters.owner) and.push({ owner: { email: filters.owner } });
	if (filters.from) and.push({ createdAt: { gte: new Date(`${filters.from}T00:00:00Z`) } });
	// "To" includes the whole day.
	if (filters.to)
		and.push({ createdAt: { lt: new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000) } });
	if (filters.deleted === 'exclude') and.push({ deletedAt: null });
	if (filters.deleted === 'only') and.push({ deletedAt: { not: null } });
	if (after) {
		and.push({
			OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }]
		});
	}
	return { AND: and };
}

const directorySelect = {
	id: true,
	name: true,
	slug: true,
	phase: true,
	createdAt: true,
	deletedAt: true,
	owner: { select: { id: true, email: true, displayName: true } }
} as const;

export type DirectoryRow = Prisma.EventGetPayload<{ select: typeof directorySelect }> &
	EventStats & { flags: HealthFlag[] };

/**
 * A page of the events directory, newest first, with each event's counts and health flags. Keyset
 * paging on (created_at, id): `next` is the cursor of the following page, if any. With `flagged`, only
 * flagged events; the page then looks at FLAG_SCAN_WINDOW events at most and `scanned` says how many.
 */
export async function listEvents(filters: EventFilters, after?: EventCursor, now = new Date()) {
	const window = filters.flagged ? FLAG_SCAN_WINDOW : EVENTS_PAGE_SIZE;
	const events = await db.event.findMany({
		where: whereOf(filters, after),
		select: directorySelect,
		orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
		take: window + 1
	});
	const more = events.length > window;
	const scanned = events.slice(0, window);
	const stats = await readEventStats(scanned.map((e) => e.id));
	let rows: DirectoryRow[] = scanned.map((event) => {
		const figures = stats.get(event.id)!;
		return { ...event, ...figures, flags: healthFlags(event, figures, now) };
	});
	let nextFrom: { createdAt: Date; id: string } | undefined = more ? scanned.at(-1) : undefined;
	if (filters.flagged) {
		const flagged = rows.filter((row) => row.flags.length > 0);
		rows = flagged.slice(0, EVENTS_PAGE_SIZE);
		if (flagged.length > EVENTS_PAGE_SIZE) nextFrom = rows.at(-1);
	}
	return {
		rows,
		scanned: scanned.length,
		next: nextFrom ? encodeCursor({ createdAt: nextFrom.createdAt, id: nextFrom.id }) : undefined
	};
}

/** One event for its platform admin page: facts, owner, figures, flags and what admins did to it. */
export async function getEventOverview(eventId: string, now = new Date()) {
	if (!isUuid(eventId)) throw new RuleViolation(m.people_event_not_found(), 404);
	const event = await db.event.findUnique({
		where: { id: eventId },
		select: {
			id: true,
			name: true,
			slug: true,
			description: true,
			joinCode: true,
			phase: true,
			createdAt: true,
			updatedAt: true,
			deletedAt: true,
			airtableId: true,
			owner: { select: { id: true, email: true, displayName: true, deletedAt: true } },
			_count: { select: { referrals: true } },
			platformRecords: {
				select: { id: true, action: true, summary: true, reason: true, actorName: true, createdAt: true },
				orderBy: { createdAt: 'desc' },
				take: 20
			}
		}
	});
	if (!event) throw new RuleViolation(m.people_event_not_found(), 404);
	const stats = (await readEventStats([event.id])).get(event.id)!;
	const { _count, platformRecords, ...facts } = event;
	return {
		...facts,
		referrals: _count.referrals,
		stats,
		flags: healthFlags(event, stats, now),
		history: platformRecords
	};
}
