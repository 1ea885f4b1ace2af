import { describe, expect, it } from 'vitest';
import { updateEventListing } from '../../src/lib/server/admin/listing';
import { listDirectory } from '../../src/lib/server/directory/directory';
import {
	addEventToSeries,
	createSeries,
	deleteSeries,
	getSeriesOverview,
	removeEventFromSeries,
	setFlagship,
	updateSeries
} from '../../src/lib/server/directory/series';
import {
	exportProjects,
	readExportSelection,
	resolveExportEvents
} from '../../src/lib/server/platform/project-exports';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// Series are the platform admins' to define: owners cannot put their events in one (nor create one),
// which the server functions check themselves. The public directory shows only events open to join that
// their owner listed or that sit in an active series: never drafts, closed, deleted or unlisted ones.

async function admin() {
	const user = await make.createUser({ firstName: 'Admin' });
	await db.user.update({ where: { id: user.id }, data: { platformAdminSince: new Date() } });
	return user;
}

async function refusal(work: Promise<unknown>) {
	try {
		await work;
	} catch (error) {
		if (error instanceof RuleViolation) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

let counter = 0;
const unique = (name: string) => `${name} ${++counter} ${Date.now()}`;

describe('series permissions', () => {
	it('lets a platform admin create a series, put events in it and choose the flagship, all audited', async () => {
		const actor = await admin();
		const flagship = await make.createEvent({ name: unique('Daydream Flagship') });
		const satellite = await make.createEvent({ name: unique('Daydream Boston') });
		const series = await createSeries(actor, { name: unique('Daydream'), active: true });
		await addEventToSeries(actor, series.id, flagship.slug);
		await addEventToSeries(actor, series.id, satellite.slug);
		await setFlagship(actor, series.id, flagship.id);

		const overview = await getSeriesOverview(series.id);
		expect(overview.events.map((e) => [e.name, e.flagship])).toEqual([
			[flagship.name, true],
			[satellite.name, false]
		]);
		const actions = await db.platformAuditLog.findMany({
			where: { actorId: actor.id },
			orderBy: { createdAt: 'asc' },
			select: { action: true }
		});
		expect(actions.map((a) => a.action)).toEqual([
			'series_created',
			'series_event_added',
			'series_event_added',
			'series_flagship_set'
		]);
	});

	it('refuses event owners and everyone else with a 403, changing nothing', async () => {
		const actor = await admin();
		const owner = await make.createUser({ firstName: 'Owner' });
		const event = await make.createEvent({ ownerId: owner.id });
		const series = await createSeries(actor, { name: unique('Campfire'), active: true });
		const before = await db.platformAuditLog.count();

		expect((await refusal(createSeries(owner, { name: unique('Mine'), active: true }))).status).toBe(403);
		expect((await refusal(addEventToSeries(owner, series.id, event.slug))).status).toBe(403);
		expect(
			(await refusal(updateSeries(owner, series.id, { name: 'Taken over', active: false }))).status
		).toBe(403);
		expect((await refusal(setFlagship(owner, series.id, event.id))).status).toBe(403);
		expect((await refusal(deleteSeries(owner, series.id))).status).toBe(403);

		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).seriesId).toBeNull();
		expect(await db.series.findUniqueOrThrow({ where: { id: series.id } })).toMatchObject({ active: true });
		expect(await db.platformAuditLog.count()).toBe(before);
		// A revoked admin is refused at once: the role is read again inside each change.
		await db.user.update({ where: { id: actor.id }, data: { platformAdminSince: null } });
		expect((await refusal(addEventToSeries(actor, series.id, event.slug))).status).toBe(403);
	});

	it('keeps an event in one series, the flagship among its own events, and names unique', async () => {
		const actor = await admin();
		const event = await make.createEvent();
		const stranger = await make.createEvent();
		const first = await createSeries(actor, { name: unique('Scrapyard'), active: true });
		const second = await createSeries(actor, { name: unique('Undercity'), active: true });
		await addEventToSeries(actor, first.id, event.slug);

		expect((await refusal(addEventToSeries(actor, second.id, event.slug))).message).toMatch(
			/is in the series .*take it out there first/
		);
		expect((await refusal(setFlagship(actor, second.id, stranger.id))).status).toBe(404);
		expect((await refusal(addEventToSeries(actor, first.id, 'no-such-event'))).status).toBe(404);
		expect((await refusal(createSeries(actor, { name: first.name, active: true }))).status).toBe(409);

		// Taking the flagship out of the series clears the flagship.
		await setFlagship(actor, first.id, event.id);
		await removeEventFromSeries(actor, first.id, event.id);
		expect(await db.series.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
			flagshipEventId: null
		});
		await addEventToSeries(actor, second.id, event.slug);

		// Deleting a series keeps its events.
		await deleteSeries(actor, second.id);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).seriesId).toBeNull();
	});

	it('shows each event of a series with its attendees, projects and ballots', async () => {
		const actor = await admin();
		const event = await make.createEvent({ phase: 'voting' });
		const projects = await Promise.all([1, 2, 3, 4].map(() => make.createProject(event.id)));
		await make.createVote(projects[0].ownerId, projects[1].id);
		await make.createVote(projects[0].ownerId, projects[2].id);
		await make.createVote(projects[1].ownerId, projects[0].id);
		const empty = await make.createEvent();
		const series = await createSeries(actor, { name: unique('Figures'), active: true });
		await addEventToSeries(actor, series.id, event.slug);
		await addEventToSeries(actor, series.id, empty.slug);

		const overview = await getSeriesOverview(series.id);
		expect(overview.events.find((e) => e.id === event.id)).toMatchObject({
			attendees: 4,
			projects: 4,
			ballots: 2,
			votes: 3
		});
		expect(overview.events.find((e) => e.id === empty.id)).toMatchObject({ attendees: 0, ballots: 0 });
		expect(overview.totals).toEqual({ events: 2, attendees: 4, projects: 4, ballots: 2, votes: 3 });
	});

	it('exports the projects of every event of a series, and records the download', async () => {
		const actor = await admin();
		const a = await make.createEvent();
		const b = await make.createEvent();
		const outside = await make.createEvent();
		await Promise.all([make.createProject(a.id), make.createProject(b.id), make.createProject(outside.id)]);
		const series = await createSeries(actor, { name: unique('Export'), active: true });
		await addEventToSeries(actor, series.id, a.slug);
		await addEventToSeries(actor, series.id, b.slug);

		const selection = readExportSelection(new URLSearchParams({ series: series.id }));
		const { events } = await resolveExportEvents(selection);
		expect(events.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
		const batches = (await exportProjects(actor, selection))!.batches;
		const rows = [];
		for await (const batch of batches) rows.push(...batch);
		expect(rows.map((row) => row[1]).sort()).toEqual([a.slug, b.slug].sort());
		const audit = await db.platformAuditLog.findFirstOrThrow({
			where: { actorId: actor.id, action: 'projects_exported' }
		});
		expect(audit.summary).toMatch(/2 events: 2 project\(s\)/);
	});
});

describe('the public directory', () => {
	it('lists open events that their owner listed or that sit in an active series, and nothing else', async () => {
		const actor = await admin();
		const tag = `Vis${Date.now()}`;
		const named = (what: string) => `${tag} ${what}`;
		const listed = await make.createEvent({ name: named('listed'), phase: 'submission' });
		const listedVoting = await make.createEvent({ name: named('listed voting'), phase: 'voting' });
		const listedDraft = await make.createEvent({ name: named('listed draft'), phase: 'draft' });
		const listedClosed = await make.createEvent({ name: named('listed closed'), phase: 'closed' });
		const listedDeleted = await make.createEvent({ name: named('listed deleted') });
		const unlisted = await make.createEvent({ name: named('unlisted') });
		const inActive = await make.createEvent({ name: named('in active series') });
		const draftInActive = await make.createEvent({ name: named('draft in active series'), phase: 'draft' });
		const inInactive = await make.createEvent({ name: named('in inactive series') });
		await db.event.updateMany({
			where: {
				id: { in: [listed, listedVoting, listedDraft, listedClosed, listedDeleted].map((e) => e.id) }
			},
			data: { listedInDirectory: true }
		});
		await db.event.update({ where: { id: listedDeleted.id }, data: { deletedAt: new Date() } });
		const active = await createSeries(actor, { name: named('Active series'), active: true });
		const inactive = await createSeries(actor, { name: named('Inactive series'), active: false });
		await addEventToSeries(actor, active.id, inActive.slug);
		await addEventToSeries(actor, active.id, draftInActive.slug);
		await addEventToSeries(actor, inactive.id, inInactive.slug);
		await setFlagship(actor, active.id, inActive.id);

		const { events, total } = await listDirectory(tag);
		expect(events.map((e) => e.name).sort()).toEqual([listed.name, listedVoting.name, inActive.name].sort());
		expect(total).toBe(3);
		expect(events.map((e) => e.slug)).not.toContain(unlisted.slug);
		// The flagship comes first and says so; no join code is ever part of the answer.
		expect(events[0]).toMatchObject({ name: inActive.name, series: { name: active.name, flagship: true } });
		expect(JSON.stringify(events)).not.toContain(inActive.joinCode);

		// Switching the series off takes its events out; the owner's own listing needs no series.
		await updateSeries(actor, active.id, { name: active.name, active: false });
		expect((await listDirectory(tag)).events.map((e) => e.name).sort()).toEqual(
			[listed.name, listedVoting.name].sort()
		);
	});

	it("searches names, places and series names in any case, and lists an owner's event once they say so", async () => {
		const owner = await make.createUser({ firstName: 'Owner' });
		const event = await make.createEvent({ ownerId: owner.id, name: unique('Harbour Hacks') });
		const ownerActor = { id: owner.id, displayName: owner.displayName, email: owner.email };
		const place = `Lighthouse Quay ${Date.now()}`;
		expect((await listDirectory(place)).total).toBe(0);

		await updateEventListing(ownerActor, event.id, { place, listedInDirectory: true, piiRequired: false });
		const found = await listDirectory(place.toUpperCase());
		expect(found.events).toEqual([expect.objectContaining({ name: event.name, place, phase: 'submission' })]);
		expect((await listDirectory(event.name.toLowerCase())).events.map((e) => e.slug)).toEqual([event.slug]);
		expect((await listDirectory(`${place} nowhere`)).total).toBe(0);

		// Someone else cannot change the owner's listing.
		const stranger = await make.createUser();
		const refused = await refusal(
			updateEventListing(
				{ id: stranger.id, displayName: stranger.displayName, email: stranger.email },
				event.id,
				{ place: undefined, listedInDirectory: false, piiRequired: false }
			)
		);
		expect(refused.status).toBe(403);
		expect((await listDirectory(place)).total).toBe(1);
		const audit = await db.eventAuditLog.findFirstOrThrow({ where: { eventId: event.id } });
		expect(audit.summary).toBe('Changed the settings: place, listed in the directory.');
	});

	it("shows each event's dates in its time zone, the soonest first, events without dates last", async () => {
		const owner = await make.createUser({ firstName: 'Owner' });
		const ownerActor = { id: owner.id, displayName: owner.displayName, email: owner.email };
		const place = `Dated Pier ${Date.now()}`;
		const listed = async (name: string, dates?: { startsAt: Date; endsAt: Date; timeZone: string }) => {
			const event = await make.createEvent({ ownerId: owner.id, name: unique(name) });
			await updateEventListing(ownerActor, event.id, { place, listedInDirectory: true, piiRequired: false });
			if (dates) await db.event.update({ where: { id: event.id }, data: dates });
			return event;
		};
		const undated = await listed('Aardvark Jam');
		const later = await listed('Beacon Hack', {
			startsAt: new Date('2031-03-14T09:00:00Z'),
			endsAt: new Date('2031-03-15T17:00:00Z'),
			timeZone: 'Europe/Paris'
		});
		const sooner = await listed('Comet Build', {
			startsAt: new Date('2031-01-10T15:00:00Z'),
			endsAt: new Date('2031-01-11T15:00:00Z'),
			timeZone: 'America/New_York'
		});

		const { events } = await listDirectory(place);
		expect(events.map((e) => e.slug)).toEqual([sooner.slug, later.slug, undated.slug]);
		expect(events[0]).toMatchObject({
			startsAt: new Date('2031-01-10T15:00:00Z'),
			endsAt: new Date('2031-01-11T15:00:00Z'),
			timeZone: 'America/New_York'
		});
		expect(events[2]).toMatchObject({ startsAt: null, endsAt: null });
	});
});
