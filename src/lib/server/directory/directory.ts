import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';

// The public directory (/directory): events that are open to join and that someone chose to make
// public, either their owner ("listed in the directory") or a platform admin (by putting the event in an
// active series). Drafts, closed and soft-deleted events never appear, nor do unlisted events outside an
// active series. Visitors need no account: only what the event page shows anyone is listed (never the
// join code, which the organisers hand out).

/** At most this many events per answer; a search narrows a longer list. */
export const DIRECTORY_LIMIT = 100;

/** The phases in which people can still join an event (joinEventByCode refuses drafts and closed events). */
const OPEN_TO_JOIN = ['submission', 'voting'] as const;

/** Which events the directory may show, whatever the search. */
export const directoryVisible: Prisma.EventWhereInput = {
	deletedAt: null,
	phase: { in: [...OPEN_TO_JOIN] },
	OR: [{ listedInDirectory: true }, { series: { is: { active: true } } }]
};

function searchWhere(query: string | undefined): Prisma.EventWhereInput {
	if (!query) return {};
	const contains = { contains: query, mode: 'insensitive' as const };
	return {
		OR: [
			{ name: contains },
			{ place: contains },
			{ description: contains },
			{ series: { is: { active: true, name: contains } } }
		]
	};
}

/**
 * The events of the directory matching `query` (name, place, description or series name, any case),
 * the series' flagships first, then the soonest to start (events without dates last), then by name; and
 * how many match in all.
 */
export async function listDirectory(query?: string) {
	const where: Prisma.EventWhereInput = { AND: [directoryVisible, searchWhere(query)] };
	const [events, total] = await Promise.all([
		db.event.findMany({
			where,
			select: {
				name: true,
				slug: true,
				phase: true,
				place: true,
				startsAt: true,
				endsAt: true,
				timeZone: true,
				description: true,
				flagshipOf: { select: { id: true } },
				series: { select: { name: true, active: true } }
			},
			orderBy: [{ startsAt: { sort: 'asc', nulls: 'last' } }, { name: 'asc' }, { id: 'asc' }],
			take: DIRECTORY_LIMIT
		}),
		db.event.count({ where })
	]);
	const rows = events.map(({ flagshipOf, series, description, ...event }) => ({
		...event,
		// A long description is cut at a word for the list; the event page has all of it.
		summary: description.length > 200 ? `${description.slice(0, 200).replace(/\s+\S*$/, '')}…` : description,
		// An inactive series is not named: it no longer speaks for the event.
		series: series?.active ? { name: series.name, flagship: flagshipOf !== null } : null
	}));
	rows.sort((a, b) => Number(b.series?.flagship ?? false) - Number(a.series?.flagship ?? false));
	return { events: rows, total };
}
