import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../ids.ts';
import { isUniqueViolation, RuleViolation } from '../rules.ts';
import type { Actor } from '../admin/access.ts';
import { requirePlatformAdminRole } from '../platform/admins.ts';
import { recordPlatformAction } from '../platform/audit.ts';
import { m } from '../../paraglide/messages.js';

const SERIES_ADMINS_ONLY = m.people_series_admins_only;

// Series: a programme of events run together (a flagship event and its satellites). Only platform admins
// define them and put events in them: an owner could otherwise list any event under a programme's name
// in the public directory. Every change re-reads the admin role inside its transaction (a route that
// forgot its guard still changes nothing) and locks the series row, so two admins take turns.

type Tx = Prisma.TransactionClient;

interface LockedSeries {
	id: string;
	name: string;
	active: boolean;
	flagship_event_id: string | null;
}

async function lockSeries(tx: Tx, actor: Actor, seriesId: string): Promise<LockedSeries> {
	await requirePlatformAdminRole(tx, actor.id, SERIES_ADMINS_ONLY);
	if (!isUuid(seriesId)) throw new RuleViolation(m.people_series_not_found(), 404);
	const rows = await tx.$queryRaw<LockedSeries[]>`
		SELECT id::text, name, active, flagship_event_id::text FROM series WHERE id = ${seriesId}::uuid FOR UPDATE`;
	if (!rows[0]) throw new RuleViolation(m.people_series_not_found(), 404);
	return rows[0];
}

function nameTaken(name: string) {
	return new RuleViolation(m.people_series_name_taken({ name }), 409);
}

/** Every series with its flagship and how many events it holds, by name. */
export async function listSeries() {
	const series = await db.series.findMany({
		select: {
			id: true,
			name: true,
			active: true,
			flagship: { select: { name: true, slug: true } },
			_count: { select: { events: true } }
		},
		orderBy: [{ name: 'asc' }, { id: 'asc' }]
	});
	return series.map(({ _count, ...rest }) => ({ ...rest, eventCount: _count.events }));
}

/** Creates a series (platform admins only); the name must be free. */
export async function createSeries(actor: Actor, input: { name: string; active: boolean }) {
	try {
		return await db.$transaction(async (tx) => {
			await requirePlatformAdminRole(tx, actor.id, SERIES_ADMINS_ONLY);
			const created = await tx.series.create({
				data: { name: input.name, active: input.active },
				select: { id: true, name: true }
			});
			await recordPlatformAction(tx, {
				actor,
				action: 'series_created',
				summary: `Created the series "${created.name}"${input.active ? '' : ' (inactive)'}.`,
				details: { seriesId: created.id, name: created.name, active: input.active }
			});
			return created;
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw nameTaken(input.name);
		throw error;
	}
}

/** Renames a series and switches it on or off (an inactive series lists nothing in the directory). */
export async function updateSeries(actor: Actor, seriesId: string, input: { name: string; active: boolean }) {
	try {
		return await db.$transaction(async (tx) => {
			const series = await lockSeries(tx, actor, seriesId);
			if (series.name === input.name && series.active === input.active) return { changed: false };
			await tx.series.update({ where: { id: series.id }, data: input, select: { id: true } });
			await recordPlatformAction(tx, {
				actor,
				action: 'series_changed',
				summary: `Changed the series "${input.name}": ${[
					series.name !== input.name ? `renamed from "${series.name}"` : '',
					series.active !== input.active ? (input.active ? 'made active' : 'made inactive') : ''
				]
					.filter(Boolean)
					.join(', ')}.`,
				details: {
					seriesId: series.id,
					from: { name: series.name, active: series.active },
					to: input
				}
			});
			return { changed: true };
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw nameTaken(input.name);
		throw error;
	}
}

/** Deletes a series; its events stay as they are, in no series. */
export async function deleteSeries(actor: Actor, seriesId: string) {
	return db.$transaction(async (tx) => {
		const series = await lockSeries(tx, actor, seriesId);
		const events = await tx.event.count({ where: { seriesId: series.id } });
		await recordPlatformAction(tx, {
			actor,
			action: 'series_deleted',
			summary: `Deleted the series "${series.name}" (its ${events} event(s) stay, in no series).`,
			details: { seriesId: series.id, name: series.name, events }
		});
		await tx.series.delete({ where: { id: series.id } });
		return { name: series.name };
	});
}

/**
 * Puts the event at `slug` in the series. An event is in one series at most: one in another series is
 * refused (take it out there first), so that a move is never a silent side effect.
 */
export async function addEventToSeries(actor: Actor, seriesId: string, slug: string) {
	return db.$transaction(async (tx) => {
		const series = await lockSeries(tx, actor, seriesId);
		const event = await tx.event.findUnique({
			where: { slug },
			select: { id: true, name: true, deletedAt: true, series: { select: { id: true, name: true } } }
		});
		if (!event || event.deletedAt) {
			throw new RuleViolation(m.people_series_no_slug({ slug }), 404);
		}
		if (event.series?.id === series.id) {
			throw new RuleViolation(m.people_series_already_in({ event: event.name }), 409);
		}
		if (event.series) {
			throw new RuleViolation(
				m.people_series_in_other({ event: event.name, series: event.series.name }),
				409
			);
		}
		await tx.event.update({ where: { id: event.id }, data: { seriesId: series.id }, select: { id: true } });
		await recordPlatformAction(tx, {
			actor,
			action: 'series_event_added',
			summary: `Put the event "${event.name}" in the series "${series.name}".`,
			targetEventId: event.id,
			details: { seriesId: series.id, series: series.name, name: event.name }
		});
		return { name: event.name };
	});
}

/** Takes an event out of the series (and clears the flagship if it was that event). */
export async function removeEventFromSeries(actor: Actor, seriesId: string, eventId: string) {
	return db.$transaction(async (tx) => {
		const series = await lockSeries(tx, actor, seriesId);
		const event = await tx.event.findFirst({
			where: { id: eventId, seriesId: series.id },
			select: { id: true, name: true }
		});
		if (!event) throw new RuleViolation(m.people_event_not_in_series(), 404);
		if (series.flagship_event_id === event.id) {
			await tx.series.update({
				where: { id: series.id },
				data: { flagshipEventId: null },
				select: { id: true }
			});
		}
		await tx.event.update({ where: { id: event.id }, data: { seriesId: null }, select: { id: true } });
		await recordPlatformAction(tx, {
			actor,
			action: 'series_event_removed',
			summary: `Took the event "${event.name}" out of the series "${series.name}".`,
			targetEventId: event.id,
			details: { seriesId: series.id, series: series.name, name: event.name }
		});
		return { name: event.name };
	});
}

/** Makes one of the series' own events its flagship (the others are its satellites), or none. */
export async function setFlagship(actor: Actor, seriesId: string, eventId: string | undefined) {
	return db.$transaction(async (tx) => {
		const series = await lockSeries(tx, actor, seriesId);
		const event = eventId
			? await tx.event.findFirst({
					where: { id: eventId, seriesId: series.id },
					select: { id: true, name: true }
				})
			: null;
		if (eventId && !event) throw new RuleViolation(m.people_event_not_in_series(), 404);
		if ((event?.id ?? null) === series.flagship_event_id) return { name: event?.name, changed: false };
		await tx.series.update({
			where: { id: series.id },
			data: { flagshipEventId: event?.id ?? null },
			select: { id: true }
		});
		await recordPlatformAction(tx, {
			actor,
			action: 'series_flagship_set',
			summary: event
				? `Made "${event.name}" the flagship of the series "${series.name}".`
				: `The series "${series.name}" has no flagship any more.`,
			targetEventId: event?.id,
			details: {
				seriesId: series.id,
				series: series.name,
				from: series.flagship_event_id,
				to: event?.id ?? null
			}
		});
		return { name: event?.name, changed: true };
	});
}

interface EventFigures {
	id: string;
	attendees: bigint;
	projects: bigint;
	ballots: bigint;
	votes: bigint;
}

/**
 * A series with each of its events and their figures (attendees, projects, ballots: voters with votes on
 * record, imported ones included; votes), flagship first, then by name; and the series' totals.
 */
export async function getSeriesOverview(seriesId: string) {
	if (!isUuid(seriesId)) throw new RuleViolation(m.people_series_not_found(), 404);
	const series = await db.series.findUnique({
		where: { id: seriesId },
		select: {
			id: true,
			name: true,
			active: true,
			flagshipEventId: true,
			events: {
				select: {
					id: true,
					name: true,
					slug: true,
					phase: true,
					place: true,
					listedInDirectory: true,
					deletedAt: true,
					owner: { select: { displayName: true, email: true } }
				},
				orderBy: [{ name: 'asc' }, { id: 'asc' }]
			}
		}
	});
	if (!series) throw new RuleViolation(m.people_series_not_found(), 404);
	const ids = series.events.map((event) => event.id);
	// One query for all the events' counts, each a scan of one index per table.
	const figures = ids.length
		? await db.$queryRaw<EventFigures[]>`
			SELECT e."id"::text AS "id",
				(SELECT count(*) FROM "event_attendees" a WHERE a."event_id" = e."id") AS "attendees",
				(SELECT count(*) FROM "projects" p WHERE p."event_id" = e."id") AS "projects",
				(SELECT count(DISTINCT v."voter_id") FROM "votes" v WHERE v."event_id" = e."id") AS "ballots",
				(SELECT count(*) FROM "votes" v WHERE v."event_id" = e."id") AS "votes"
			FROM "events" e WHERE e."id" = ANY(${ids}::uuid[])`
		: [];
	const byId = new Map(figures.map((row) => [row.id, row]));
	const events = series.events
		.map(({ deletedAt, owner, ...event }) => {
			const row = byId.get(event.id);
			return {
				...event,
				owner: owner.displayName || owner.email,
				deleted: deletedAt !== null,
				flagship: event.id === series.flagshipEventId,
				attendees: Number(row?.attendees ?? 0),
				projects: Number(row?.projects ?? 0),
				ballots: Number(row?.ballots ?? 0),
				votes: Number(row?.votes ?? 0)
			};
		})
		.sort((a, b) => Number(b.flagship) - Number(a.flagship));
	const total = (key: 'attendees' | 'projects' | 'ballots' | 'votes') =>
		events.reduce((sum, event) => sum + event[key], 0);
	return {
		id: series.id,
		name: series.name,
		active: series.active,
		events,
		totals: {
			events: events.length,
			attendees: total('attendees'),
			projects: total('projects'),
			ballots: total('ballots'),
			votes: total('votes')
		}
	};
}
