import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import {
	decodeCursor,
	exportActivity,
	listActivity,
	readActivityFilters,
	type ActivityFilters
} from '../../src/lib/server/platform/activity';
import { GET as activityCsv } from '../../src/routes/admin/activity/activity.csv/+server';
import { GET as projectsCsv } from '../../src/routes/admin/exports/projects.csv/+server';
import { exportProjects, previewExport } from '../../src/lib/server/platform/project-exports';
import { csvLine } from '../../src/lib/server/admin/csv';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

/** A minimal RFC 4180 reader (BOM stripped), to read back what the downloads wrote. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
		const c = text[i];
		if (quoted && c === '"' && text[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (quoted && c === '"') quoted = false;
		else if (quoted) cell += c;
		else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(cell);
			cell = '';
		} else if (c === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else cell += c;
	}
	return rows;
}

async function makeAdmin(email: string) {
	const user = await make.createUser({ firstName: 'Root', email });
	await db.user.update({ where: { id: user.id }, data: { platformAdminSince: new Date() } });
	return { id: user.id, email: user.email, displayName: user.displayName, firstName: 'Root', lastName: null };
}

function get(path: string, admin: Awaited<ReturnType<typeof makeAdmin>>) {
	const url = new URL(`http://podium.test${path}`);
	return {
		url,
		params: {},
		locals: { user: { ...admin, profileComplete: true, isPlatformAdmin: true }, session: null },
		request: new Request(url)
	} as unknown as RequestEvent;
}

const at = (iso: string) => new Date(iso);

/** Every entry the list shows for `filters`, following its "next" links as the page does, and the pages. */
async function listAllActivity(filters: ActivityFilters) {
	const entries: Awaited<ReturnType<typeof listActivity>>['entries'] = [];
	let cursor: ReturnType<typeof decodeCursor>;
	let pages = 0;
	do {
		const page = await listActivity(filters, cursor);
		entries.push(...page.entries);
		cursor = decodeCursor(page.next ?? null);
		pages++;
	} while (cursor);
	return { entries, pages };
}

/** Rows in both logs on one UTC day of 2003 (so that other tests' rows stay out of the way). */
async function seedBothLogs() {
	const owner = await make.createUser({ firstName: 'Olga', email: 'olga.owner@example.test' });
	const event = await make.createEvent({ ownerId: owner.id, name: 'Harbour Hack' });
	const platform = (minute: number, action: string, actorName: string) =>
		db.platformAuditLog.create({
			data: {
				actorName,
				action,
				summary: `${action} at ${minute}`,
				reason: 'because',
				targetEventId: event.id,
				createdAt: at(`2003-05-0${minute < 30 ? 1 : 2}T10:${String(minute).padStart(2, '0')}:00Z`)
			}
		});
	const owned = (minute: number, action: string, eventName = event.name, eventId: string | null = event.id) =>
		db.eventAuditLog.create({
			data: {
				eventId,
				eventName,
				actorId: owner.id,
				actorName: 'Olga O. <olga.owner@example.test>',
				action,
				summary: `${action} at ${minute}`,
				createdAt: at(`2003-05-0${minute < 30 ? 1 : 2}T10:${String(minute).padStart(2, '0')}:00Z`)
			}
		});
	await platform(5, 'attendee_added', 'Root R. <root.one@example.test>');
	await owned(10, 'phase_changed');
	await platform(20, 'ballot_voided', 'Root R. <root.two@example.test>');
	await owned(35, 'settings_changed');
	await owned(40, 'event_deleted', 'Gone Jam', null);
	await platform(50, 'legacy_points_adjusted', 'operator command (ops@host)');
	return { event };
}

const may2003: ActivityFilters = { from: '2003-05-01', to: '2003-05-02' };
const summaries = async (filters: ActivityFilters) =>
	(await listActivity({ ...may2003, ...filters })).entries.map((e) => e.summary);

describe('the activity log', () => {
	it('merges platform admins’ and event owners’ actions, newest first, and filters them', async () => {
		await seedBothLogs();
		const all = await listActivity(may2003);
		expect(all.entries.map((e) => [e.source, e.action])).toEqual([
			['platform', 'legacy_points_adjusted'],
			['event', 'event_deleted'],
			['event', 'settings_changed'],
			['platform', 'ballot_voided'],
			['event', 'phase_changed'],
			['platform', 'attendee_added']
		]);
		expect(all.entries[0]).toMatchObject({ eventName: 'Harbour Hack', reason: 'because' });
		expect(all.next).toBeUndefined();

		expect(await summaries({ actor: 'ROOT.TWO@' })).toEqual(['ballot_voided at 20']);
		expect(await summaries({ actor: 'operator command' })).toEqual(['legacy_points_adjusted at 50']);
		expect(await summaries({ kind: 'phase_changed' })).toEqual(['phase_changed at 10']);
		expect(await summaries({ source: 'event' })).toHaveLength(3);
		expect(await summaries({ source: 'platform' })).toHaveLength(3);
		// By name or slug; a purged event is still found by the name its entries kept.
		expect(await summaries({ event: 'harbour' })).toHaveLength(5);
		expect(await summaries({ event: 'gone jam' })).toEqual(['event_deleted at 40']);
		expect(await summaries({ from: '2003-05-02', to: '2003-05-02' })).toEqual([
			'legacy_points_adjusted at 50',
			'event_deleted at 40',
			'settings_changed at 35'
		]);
		// % and _ are taken literally.
		expect(await summaries({ actor: '%' })).toEqual([]);
	});

	it('reads odd query values as no filter rather than failing', () => {
		const filters = readActivityFilters(
			new URLSearchParams('kind=drop_table&source=everyone&from=2025-13-45&to=yesterday&actor=%20ada%20')
		);
		expect(filters).toEqual({
			actor: 'ada',
			event: undefined,
			kind: undefined,
			source: undefined,
			from: undefined,
			to: undefined
		});
		expect(decodeCursor('garbage')).toBeUndefined();
		expect(decodeCursor('2026-01-01T00:00:00.000Z_not-a-uuid')).toBeUndefined();
	});

	it('pages by (created_at, id) through ties across both tables, with no entry twice or left out', async () => {
		// 130 entries, many sharing one instant, split between the two tables.
		const same = at('2004-02-02T12:00:00Z');
		const platformRows = Array.from({ length: 65 }, (_, i) => ({
			actorName: 'Root R. <pager@example.test>',
			action: 'attendee_added',
			summary: `p${i}`,
			createdAt: i % 2 ? same : new Date(same.getTime() - i * 1000)
		}));
		const eventRows = Array.from({ length: 65 }, (_, i) => ({
			eventName: 'Paging Party',
			actorName: 'Olga O. <pager@example.test>',
			action: 'phase_changed',
			summary: `e${i}`,
			createdAt: i % 2 ? same : new Date(same.getTime() - i * 1000)
		}));
		await db.platformAuditLog.createMany({ data: platformRows });
		await db.eventAuditLog.createMany({ data: eventRows });
		const filters = { from: '2004-02-02', to: '2004-02-02' };

		const { entries: seen, pages } = await listAllActivity(filters);
		expect(pages).toBe(3);
		expect(seen).toHaveLength(130);
		expect(new Set(seen.map((e) => e.id)).size).toBe(130);
		const sorted = [...seen].sort(
			(a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
		);
		expect(seen.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
	});

	it('downloads the filtered list as CSV, audited as activity_exported', async () => {
		const admin = await makeAdmin('root.csv@example.test');
		await db.eventAuditLog.create({
			data: {
				eventName: 'Zürich, "Quoted"',
				actorName: '=HYPERLINK("http://evil.test") <x@example.test>',
				action: 'settings_changed',
				summary: 'Line one\nline two',
				createdAt: at('2005-07-07T07:07:07Z')
			}
		});
		const response = await activityCsv(
			get('/admin/activity/activity.csv?from=2005-07-07&to=2005-07-07', admin) as never
		);
		expect(response.headers.get('Content-Type')).toMatch(/^text\/csv/);
		expect(response.headers.get('Content-Disposition')).toMatch(/attachment; filename="podium-activity-/);
		const rows = parseCsv(await response.text());
		expect(rows[0]).toEqual([
			'When (UTC)',
			'Source',
			'Who',
			'Kind',
			'What',
			'Reason',
			'Event',
			'Event slug',
			'Entry id'
		]);
		expect(rows.slice(1)).toHaveLength(1);
		expect(rows[1].slice(0, 7)).toEqual([
			'2005-07-07 07:07:07',
			'event owner',
			`'=HYPERLINK("http://evil.test") <x@example.test>`,
			'settings_changed',
			'Line one\nline two',
			'',
			'Zürich, "Quoted"'
		]);
		const audit = await db.platformAuditLog.findFirstOrThrow({ where: { action: 'activity_exported' } });
		expect(audit).toMatchObject({ actorId: admin.id });
		expect(audit.details).toMatchObject({ filters: { from: '2005-07-07', to: '2005-07-07' } });
	});

	it('streams the whole log batch after batch, across entries of one instant, in the list order', async () => {
		const admin = await makeAdmin('root.batches@example.test');
		const same = at('2003-03-03T12:00:00.250Z');
		const rows = (prefix: string) =>
			Array.from({ length: 12 }, (_, i) => ({
				actorName: `${prefix} <batches@example.test>`,
				action: 'attendee_added',
				summary: `${prefix}${i}, "quoted"`,
				createdAt: i % 3 ? same : new Date(same.getTime() - i * 1000)
			}));
		await db.platformAuditLog.createMany({ data: rows('p') });
		await db.eventAuditLog.createMany({ data: rows('e').map((r) => ({ ...r, eventName: 'Batch Bash' })) });
		const filters = { from: '2003-03-03', to: '2003-03-03' };

		const { entries: listed } = await listAllActivity(filters);
		expect(listed).toHaveLength(24);

		// Batches of 5: 16 of the 24 entries share one instant, so most batches end inside a tie.
		let text = '';
		for await (const rows of (await exportActivity(admin, filters, { batchSize: 5 })).batches)
			text += rows.map(csvLine).join('');
		expect(parseCsv(text)).toEqual(
			listed.map((e) => [
				e.createdAt.toISOString().slice(0, 19).replace('T', ' '),
				e.source === 'platform' ? 'platform admin' : 'event owner',
				e.actorName,
				e.action,
				e.summary,
				e.reason ?? '',
				e.eventName ?? '',
				e.eventSlug ?? '',
				e.id
			])
		);
	});
});

/** Two events of `year` with teams whose names need escaping, and one deleted event. */
async function seedExport(year: number) {
	const event = await make.createEvent({ name: 'Grant Jam' });
	await db.event.update({ where: { id: event.id }, data: { createdAt: at(`${year}-03-03T00:00:00Z`) } });
	const owner = await make.createUser({
		firstName: 'Zoë',
		lastName: '-Müller',
		email: `zoe.grant.${year}@example.test`
	});
	await db.user.update({
		where: { id: owner.id },
		data: {
			street1: '1 Rue de l’Église, Apt "B"',
			street2: '@back door',
			city: 'Zürich',
			state: 'ZH',
			zipCode: '8001',
			country: 'CH',
			dob: new Date('2009-04-05')
		}
	});
	const project = await make.createProject(event.id, { ownerId: owner.id, name: '=SUM(A1) "robot", v2' });
	await db.project.update({
		where: { id: project.id },
		data: { description: 'Line one\nline two +more', hoursSpent: 12.5 }
	});
	const mates = [];
	for (const name of ['Ann', 'Ben']) {
		const mate = await make.createUser({
			firstName: name,
			email: `${name.toLowerCase()}.grant.${year}@example.test`
		});
		await make.addAttendee(event.id, mate.id);
		await make.addCollaborator(project.id, mate.id);
		mates.push(mate);
	}
	const solo = await make.createProject(event.id, { name: 'Solo' });
	const second = await make.createEvent({ name: 'Second Jam' });
	await db.event.update({ where: { id: second.id }, data: { createdAt: at(`${year}-03-04T00:00:00Z`) } });
	await Promise.all([1, 2, 3].map((i) => make.createProject(second.id, { name: `Second ${i}` })));
	const deleted = await make.createEvent({ name: 'Deleted Jam' });
	await db.event.update({
		where: { id: deleted.id },
		data: { createdAt: at(`${year}-03-04T00:00:00Z`), deletedAt: new Date() }
	});
	await make.createProject(deleted.id, { name: 'Hidden' });
	return { event, project, owner, mates, solo, second, deleted };
}

describe('the project export', () => {
	it('has one row per project and person, owner first, every column, safely escaped, and is audited', async () => {
		const s = await seedExport(2006);
		const admin = await makeAdmin('root.export@example.test');
		const response = await projectsCsv(
			get(`/admin/exports/projects.csv?slugs=${s.event.slug}`, admin) as never
		);
		expect(response.status).toBe(200);
		expect(response.headers.get('Content-Disposition')).toContain(`podium-projects-${s.event.slug}-`);
		const rows = parseCsv(await response.text());
		expect(rows[0]).toEqual([
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
		]);
		const team = rows.filter((row) => row[3] === s.project.id);
		expect(team.map((row) => [row[9], row[13]])).toEqual([
			['owner', 'zoe.grant.2006@example.test'],
			['teammate', 'ann.grant.2006@example.test'],
			['teammate', 'ben.grant.2006@example.test']
		]);
		expect(team[0]).toEqual([
			'Grant Jam',
			s.event.slug,
			`'=SUM(A1) "robot", v2`,
			s.project.id,
			'Line one\nline two +more',
			'https://example.test/repo',
			'https://example.test/demo',
			'',
			'12.5',
			'owner',
			'Zoë',
			`'-Müller`,
			'Zoë E.',
			'zoe.grant.2006@example.test',
			'1 Rue de l’Église, Apt "B"',
			`'@back door`,
			'Zürich',
			'ZH',
			'8001',
			'CH',
			'2009-04-05'
		]);
		expect(rows).toHaveLength(1 + 4);

		const audit = await db.platformAuditLog.findFirstOrThrow({ where: { action: 'projects_exported' } });
		expect(audit).toMatchObject({ actorId: admin.id, targetEventId: s.event.id });
		expect(audit.details).toMatchObject({
			eventCount: 1,
			events: [{ id: s.event.id, slug: s.event.slug, name: 'Grant Jam' }],
			projects: 2,
			rows: 4
		});
	});

	it('reads a date range in small batches, leaving deleted events out unless chosen', async () => {
		const s = await seedExport(2007);
		const admin = await makeAdmin('root.range@example.test');
		const range = { slugs: [], from: '2007-03-03', to: '2007-03-04', includeDeleted: false };
		expect(await previewExport(range)).toMatchObject({ eventCount: 2, projects: 5, rows: 7 });

		const batches = (await exportProjects(admin, range, 2))!.batches;
		const read: unknown[][][] = [];
		for await (const batch of batches) read.push(batch);
		// Batches of two projects (their people rows together), never one query per row.
		expect(read.map((batch) => new Set(batch.map((row) => row[3])).size)).toEqual([2, 2, 1]);
		const names = read.flat().map((row) => row[2]);
		expect(names).not.toContain('Hidden');
		expect(new Set(read.flat().map((row) => row[0]))).toEqual(new Set(['Grant Jam', 'Second Jam']));

		expect(await previewExport({ ...range, includeDeleted: true })).toMatchObject({
			eventCount: 3,
			projects: 6
		});
		// A slug listed is an explicit choice, deleted or not; an unknown one is reported.
		expect(
			await previewExport({ slugs: [s.deleted.slug, 'no-such-jam'], includeDeleted: false })
		).toMatchObject({ eventCount: 1, projects: 1, unknownSlugs: ['no-such-jam'] });
	});

	it('sends a selection without events back to the form, recording nothing', async () => {
		const admin = await makeAdmin('root.empty@example.test');
		const before = await db.platformAuditLog.count();
		for (const query of ['', '?slugs=no-such-jam']) {
			const outcome = await Promise.resolve()
				.then(() => projectsCsv(get(`/admin/exports/projects.csv${query}`, admin) as never))
				.catch((e: unknown) => e);
			expect(outcome).toMatchObject({ status: 303, location: `/admin/exports${query}` });
		}
		expect(await db.platformAuditLog.count()).toBe(before);
	});
});
