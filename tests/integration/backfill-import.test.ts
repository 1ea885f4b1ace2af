import { beforeEach, describe, expect, it } from 'vitest';
import { importBackfill } from '../../src/lib/server/backfill/import';
import { readSnapshot } from '../../src/lib/server/backfill/source';
import { TARGET_TABLES, type SourceData } from '../../src/lib/server/backfill/tables';
import { verifyBackfill } from '../../src/lib/server/backfill/verify';
import { db } from '../helpers/db';

// The backfill against the fixture base (tests/fixtures/airtable/base), which holds one of every
// anomaly the real base has. Each test starts from an empty database.

const FIXTURES = 'tests/fixtures/airtable/base';
const load = (): SourceData => readSnapshot(FIXTURES);
const run = (data: SourceData = load(), options: { dryRun?: boolean; onTableWritten?: () => void } = {}) =>
	importBackfill(db, data, { source: 'fixtures', ...options });

beforeEach(async () => {
	await db.$executeRawUnsafe(
		`TRUNCATE ${[...TARGET_TABLES, 'airtable_imports', 'sessions'].join(', ')} CASCADE`
	);
});

async function counts() {
	const [row] = await db.$queryRawUnsafe<Record<string, number>[]>(
		`SELECT ${[...TARGET_TABLES, 'airtable_imports'].map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`
	);
	return row;
}

/** The imported data by Airtable ids and natural keys: equal for equal imports (row ids are random). */
async function dump() {
	const users = await db.user.findMany({
		orderBy: { email: 'asc' },
		select: {
			email: true,
			firstName: true,
			lastName: true,
			displayName: true,
			phone: true,
			country: true,
			dob: true,
			airtableId: true
		}
	});
	const events = await db.event.findMany({
		orderBy: { airtableId: 'asc' },
		select: {
			airtableId: true,
			name: true,
			slug: true,
			phase: true,
			featureFlags: true,
			description: true,
			owner: { select: { email: true } },
			attendees: { select: { user: { select: { email: true } } }, orderBy: { user: { email: 'asc' } } }
		}
	});
	const projects = await db.project.findMany({
		orderBy: { airtableId: 'asc' },
		select: {
			airtableId: true,
			name: true,
			legacyPoints: true,
			hoursSpent: true,
			cachedAutoQuality: true,
			event: { select: { airtableId: true } },
			owner: { select: { email: true } },
			collaborators: { select: { user: { select: { email: true } } } },
			votes: {
				select: { airtableId: true, voter: { select: { email: true } } },
				orderBy: { airtableId: 'asc' }
			}
		}
	});
	const referrals = await db.referral.findMany({
		orderBy: { airtableId: 'asc' },
		select: {
			airtableId: true,
			content: true,
			user: { select: { email: true } },
			event: { select: { airtableId: true } }
		}
	});
	return { users, events, projects, referrals };
}

describe('the Airtable backfill', () => {
	it('imports what it can, and reports every record it cannot with its id and reason', async () => {
		const report = await run();
		const created = Object.fromEntries(TARGET_TABLES.map((t) => [t, report.tables[t].created]));
		expect(created).toEqual({
			users: 5,
			events: 4,
			event_attendees: 6,
			projects: 4,
			project_collaborators: 3,
			referrals: 2,
			votes: 5
		});
		expect(report.rowCounts).toEqual(created);
		expect(await counts()).toMatchObject(created);

		// Nothing dropped silently: every source record is created, merged or skipped.
		const data = load();
		for (const table of ['users', 'events', 'projects', 'referrals', 'votes'] as const) {
			const c = report.tables[table];
			expect(c.read).toBe(data[table].length);
			expect(c.created + c.updated + c.unchanged + c.merged + c.skipped).toBe(c.read);
			expect(report.skips.filter((s) => s.table === table)).toHaveLength(c.skipped);
		}
		const skipped = Object.fromEntries(report.skips.map((s) => [`${s.table} ${s.recordId}`, s.reason]));
		expect(skipped).toEqual({
			'users recU04': 'missing_email',
			'users recU05': 'invalid_email',
			'events recE04': 'no_owner',
			'events recE05': 'owner_missing',
			'events recE06': 'owner_not_imported',
			'event_attendees recE01:recU99': 'user_missing',
			'event_attendees recE04:recU06': 'event_not_imported',
			'event_attendees recE09:recU03': 'event_missing',
			'projects recP04': 'no_owner',
			'projects recP05': 'no_event',
			'projects recP06': 'event_not_imported',
			'projects recP07': 'owner_missing',
			'project_collaborators recP01:recU01': 'owner_is_collaborator',
			'project_collaborators recP03:recU97': 'user_missing',
			'project_collaborators recP04:recU07': 'project_not_imported',
			'referrals recR02': 'empty_content',
			'referrals recR04': 'event_missing',
			'referrals recR05': 'no_event',
			'votes recV06': 'voter_missing',
			'votes recV07': 'project_missing',
			'votes recV08': 'project_not_imported',
			'votes recV09': 'no_voter'
		});
		expect(report.tables.votes.skippedByReason).toEqual({
			voter_missing: 1,
			project_missing: 1,
			project_not_imported: 1,
			no_voter: 1
		});
	});

	it('merges users who share an email and re-points all their links to the one user', async () => {
		const report = await run();
		expect(report.merges).toContainEqual({
			table: 'users',
			key: 'ada@example.com',
			keptId: 'recU01',
			mergedIds: ['recU02', 'recU09']
		});
		const ada = await db.user.findUniqueOrThrow({
			where: { email: 'ada@example.com' },
			select: {
				airtableId: true,
				firstName: true,
				phone: true,
				country: true,
				attendances: { select: { event: { select: { airtableId: true } } } },
				collaborations: { select: { project: { select: { airtableId: true } } } },
				votes: { select: { airtableId: true, project: { select: { airtableId: true } } } },
				ownedEvents: { select: { airtableId: true } }
			}
		});
		expect(ada.airtableId).toBe('recU01');
		expect(ada.firstName).toBe('Ada');
		expect(ada.phone).toBe('+1 555 0100'); // only recU02 had one
		expect(ada.country).toBe('US'); // the first record's value wins
		expect(ada.attendances.map((a) => a.event.airtableId).sort()).toEqual(['recE01', 'recE02']);
		expect(ada.collaborations.map((c) => c.project.airtableId)).toEqual(['recP02']);
		// recV10 (by recU02) and recV11 (by recU09) are one vote now.
		expect(ada.votes.map((v) => v.project.airtableId).sort()).toEqual(['recP01', 'recP02']);
		expect(ada.ownedEvents.map((e) => e.airtableId).sort()).toEqual(['recE02', 'recE07']);
	});

	it('fixes fields to fit the columns and constraints, and reports each fix', async () => {
		const report = await run();
		const fixes = report.fixes.map((f) => `${f.recordId} ${f.field}`);
		const events = await db.event.findMany({ orderBy: { airtableId: 'asc' } });
		expect(events.map((e) => [e.airtableId, e.phase, e.slug, e.name])).toEqual([
			['recE01', 'closed', 'scrapyard-boston', 'Scrapyard Boston'],
			['recE02', 'voting', 'campfire-paris', 'Campfire'],
			['recE03', 'submission', 'scrapyard-boston-2', 'Daydream'],
			['recE07', 'submission', 'untitled-event', 'Untitled event']
		]);
		expect(events[0].featureFlags).toEqual(['daydream', 'ysws']);
		expect(events[0].joinCode).toBe('AB12');
		expect(events[2].joinCode).not.toBe('AB12'); // a clash gets a fresh code
		expect(events[3].joinCode).toMatch(/^[A-Z0-9]{6}$/);
		expect(fixes).toEqual(
			expect.arrayContaining(['recE03 slug', 'recE03 join_code', 'recE07 name', 'recE07 join_code'])
		);

		const users = Object.fromEntries((await db.user.findMany()).map((u) => [u.airtableId, u]));
		expect(users.recU03.country).toBeNull();
		expect(users.recU03.dob).toBeNull();
		expect(users.recU06.country).toBe('DE');
		expect(users.recU07.displayName).toBe('MaggieH');
		expect(users.recU03.displayName).toBe('Grace H.');
		expect(users.recU01.profileCompletedAt).not.toBeNull();
		expect(users.recU08.profileCompletedAt).toBeNull(); // no first name: the first sign-in asks
		expect(fixes).toEqual(
			expect.arrayContaining([
				'recU03 country',
				'recU03 dob',
				'recU06 dob',
				'recU07 display_name',
				'recU02 country'
			])
		);

		const projects = Object.fromEntries((await db.project.findMany()).map((p) => [p.airtableId, p]));
		expect(projects.recP01.cachedAutoQuality).toEqual({ score: 0.8, notes: ['ok'] });
		expect(projects.recP02.cachedAutoQuality).toBeNull();
		expect(projects.recP02.hoursSpent).toBe(0);
		expect(projects.recP08.description).toHaveLength(
			load()
				.projects.find((p) => p.id === 'recP08')!
				.fields.description!.toString().length
		);
		// Points minus imported votes: P01 5 − 3, P02 1 − 2 → 0, P08 12 − 0.
		expect([
			projects.recP01.legacyPoints,
			projects.recP02.legacyPoints,
			projects.recP08.legacyPoints
		]).toEqual([2, 0, 12]);
		expect(fixes).toEqual(
			expect.arrayContaining(['recP02 cached_auto_quality', 'recP02 hours_spent', 'recP02 join_code'])
		);
	});

	it('keeps historical self-votes and puts every vote in its project’s event, reporting both', async () => {
		const report = await run();
		const notes = report.fixes.filter((f) => f.table === 'votes').map((f) => `${f.recordId} ${f.field}`);
		expect(notes.sort()).toEqual(['recV03 event', 'recV04 voter', 'recV05 voter', 'recV10 voter']);
		const vote = await db.vote.findUniqueOrThrow({
			where: { airtableId: 'recV03' },
			select: { event: { select: { airtableId: true } } }
		});
		expect(vote.event.airtableId).toBe('recE01');
		expect(await db.vote.count({ where: { airtableId: 'recV04' } })).toBe(1);
		expect(report.merges).toContainEqual({
			table: 'votes',
			key: 'recU03 → recP01',
			keptId: 'recV01',
			mergedIds: ['recV02']
		});
	});

	it('creates and changes nothing on a second run', async () => {
		await run();
		const before = await dump();
		const second = await run();
		for (const table of TARGET_TABLES) {
			expect(second.tables[table]).toMatchObject({ created: 0, updated: 0 });
		}
		expect(second.tables.users.unchanged).toBe(5);
		expect(await dump()).toEqual(before);
	});

	it('writes nothing on a dry run, yet reports the whole import', async () => {
		const dry = await run(load(), { dryRun: true });
		expect(dry.dryRun).toBe(true);
		expect(dry.tables.users.created).toBe(5);
		expect(dry.rowCounts.votes).toBe(5);
		expect(Object.values(await counts()).every((n) => n === 0)).toBe(true);

		await run();
		const before = await dump();
		const changed = load();
		changed.projects[0].fields.name = 'Robot v2';
		const dryAgain = await run(changed, { dryRun: true });
		expect(dryAgain.tables.projects.updated).toBe(1);
		expect(await dump()).toEqual(before);
	});

	it('leaves the database as it was when a run fails midway, and the next run ends with the right data', async () => {
		// Stopped right after the users were written.
		const fail = () => {
			throw new Error('killed');
		};
		await expect(run(load(), { onTableWritten: fail })).rejects.toThrow('killed');
		expect(Object.values(await counts()).every((n) => n === 0)).toBe(true);

		await run();
		const reference = await dump();
		await db.$executeRawUnsafe(`TRUNCATE ${[...TARGET_TABLES, 'airtable_imports'].join(', ')} CASCADE`);

		// Stopped after the projects were written: users, events, attendees and projects are rolled back.
		let written = 0;
		await expect(
			importBackfill(db, load(), {
				source: 'fixtures',
				onTableWritten: () => {
					if (++written === 4) throw new Error('killed after projects');
				}
			})
		).rejects.toThrow('killed after projects');
		expect(Object.values(await counts()).every((n) => n === 0)).toBe(true);
		await run();
		expect(await dump()).toEqual(reference);
	});

	it('never touches rows created in PostgreSQL after the cutover', async () => {
		await run();
		const ada = await db.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
		const newcomer = await db.user.create({
			data: {
				email: 'late@example.com',
				firstName: 'Late',
				displayName: 'Late',
				profileCompletedAt: new Date()
			}
		});
		const event = await db.event.create({
			data: {
				name: 'Podium Jam',
				slug: 'podium-jam',
				joinCode: 'JAM123',
				ownerId: newcomer.id,
				phase: 'voting'
			}
		});
		await db.eventAttendee.create({ data: { eventId: event.id, userId: ada.id } });
		await db.eventAttendee.create({ data: { eventId: event.id, userId: newcomer.id } });
		const project = await db.project.create({
			data: { name: 'Made in Podium', joinCode: 'MADE12', ownerId: newcomer.id, eventId: event.id }
		});
		await db.vote.create({ data: { voterId: ada.id, projectId: project.id, eventId: event.id } });
		const snapshot = async () => ({
			users: await db.user.findMany({ where: { airtableId: null }, orderBy: { email: 'asc' } }),
			events: await db.event.findMany({ where: { airtableId: null } }),
			projects: await db.project.findMany({ where: { airtableId: null } }),
			votes: await db.vote.findMany({ where: { airtableId: null } }),
			attendees: await db.eventAttendee.findMany({ where: { eventId: event.id }, orderBy: { userId: 'asc' } })
		});
		const before = await snapshot();

		// Airtable meanwhile has a record for the same person, under a differently written email.
		const data = load();
		data.users.push({
			id: 'recU50',
			createdTime: '2024-04-01T10:00:00.000Z',
			fields: { email: ' LATE@example.com', first_name: 'Overwritten?', attending_events: ['recE01'] }
		});
		const report = await run(data);
		expect(report.tables.users).toMatchObject({ created: 0, updated: 0, unchanged: 6 });
		expect(await snapshot()).toEqual(before);
		// The Airtable record's links now point at the account made in PostgreSQL.
		expect(await db.eventAttendee.count({ where: { userId: newcomer.id } })).toBe(2);
		expect((await verifyBackfill(db, data, 'fixtures')).ok).toBe(true);
	});

	it('applies changes made in Airtable, but keeps edits and deletions made in PostgreSQL', async () => {
		await run();
		// After the cutover: the owner closes an event, renames a project, a vote and an attendee go.
		await db.event.update({ where: { airtableId: 'recE02' }, data: { phase: 'closed' } });
		await db.project.update({ where: { airtableId: 'recP03' }, data: { name: 'Renamed in Podium' } });
		await db.vote.delete({ where: { airtableId: 'recV01' } });
		const ken = await db.user.findUniqueOrThrow({ where: { email: 'ken@example.com' } });
		const e02 = await db.event.findUniqueOrThrow({ where: { airtableId: 'recE02' } });
		await db.eventAttendee.delete({ where: { eventId_userId: { eventId: e02.id, userId: ken.id } } });

		// Meanwhile in Airtable: a project renamed, an event described, one more vote.
		const data = load();
		data.projects.find((p) => p.id === 'recP01')!.fields.name = 'Robot v2';
		data.events.find((e) => e.id === 'recE01')!.fields.description = 'Now with a description.';
		data.users.find((u) => u.id === 'recU03')!.fields.phone = '+1 555 0199';
		data.votes.push({
			id: 'recV12',
			createdTime: '2024-03-05T10:00:00.000Z',
			fields: { voter: ['recU07'], project: ['recP01'], event: ['recE01'] }
		});
		const report = await run(data);
		expect(report.tables.projects).toMatchObject({ updated: 1, created: 0 });
		expect(report.tables.events).toMatchObject({ updated: 1, created: 0 });
		expect(report.tables.users).toMatchObject({ updated: 1, created: 0 });
		expect((await db.user.findUniqueOrThrow({ where: { airtableId: 'recU03' } })).phone).toBe('+1 555 0199');
		// What a re-run compares users against holds digests only, not a second copy of private data.
		const ledger = await db.$queryRawUnsafe<{ text: string }[]>(
			`SELECT fields::text AS text FROM airtable_imports`
		);
		expect(ledger.some((row) => row.text.includes('0199') || row.text.includes('@example.com'))).toBe(false);
		expect(report.tables.votes).toMatchObject({ created: 1, updated: 0 });
		expect(report.skips).toContainEqual(
			expect.objectContaining({ recordId: 'recV01', reason: 'deleted_in_postgres' })
		);
		expect(report.skips).toContainEqual(
			expect.objectContaining({ recordId: 'recE02:recU08', reason: 'deleted_in_postgres' })
		);

		expect((await db.project.findUniqueOrThrow({ where: { airtableId: 'recP01' } })).name).toBe('Robot v2');
		expect((await db.event.findUniqueOrThrow({ where: { airtableId: 'recE01' } })).description).toBe(
			'Now with a description.'
		);
		expect((await db.event.findUniqueOrThrow({ where: { airtableId: 'recE02' } })).phase).toBe('closed');
		expect((await db.project.findUniqueOrThrow({ where: { airtableId: 'recP03' } })).name).toBe(
			'Renamed in Podium'
		);
		expect(await db.vote.count({ where: { airtableId: 'recV01' } })).toBe(0);
		expect(await db.eventAttendee.count({ where: { eventId: e02.id, userId: ken.id } })).toBe(0);
		// Deletions made in PostgreSQL are accounted for, not differences.
		expect((await verifyBackfill(db, data, 'fixtures')).ok).toBe(true);
	});
});

describe('backfill verification', () => {
	it('passes after an import and explains every record that is not in the database', async () => {
		await run();
		const result = await verifyBackfill(db, load(), 'fixtures');
		expect(result.ok).toBe(true);
		expect(result.missing).toEqual([]);
		expect(result.tables.users).toMatchObject({ source: 9, found: 7, accounted: 2, missing: 0, rows: 5 });
		expect(result.tables.votes).toMatchObject({ source: 11, found: 7, accounted: 4, missing: 0 });
		expect(result.tables.event_attendees).toMatchObject({ source: 10, found: 7, accounted: 3, missing: 0 });
		// It wrote nothing.
		expect((await counts()).users).toBe(5);
	});

	it('fails on records of the source that were never imported', async () => {
		await run();
		const data = load();
		data.votes.push({
			id: 'recV13',
			createdTime: '2024-03-06T10:00:00.000Z',
			fields: { voter: ['recU07'], project: ['recP02'], event: ['recE01'] }
		});
		const result = await verifyBackfill(db, data, 'fixtures');
		expect(result.ok).toBe(false);
		expect(result.missing).toEqual([{ table: 'votes', recordId: 'recV13', detail: 'no vote row' }]);
	});

	it('fails on a link lost without a trace', async () => {
		await run();
		// As if the import had silently dropped it: no row, and no record of it having been imported.
		await db.$executeRawUnsafe(
			`DELETE FROM airtable_imports WHERE source = 'project_collaborators' AND airtable_key = 'recP01:recU06'`
		);
		await db.$executeRawUnsafe(
			`DELETE FROM project_collaborators WHERE project_id = (SELECT id FROM projects WHERE airtable_id = 'recP01')`
		);
		const result = await verifyBackfill(db, load(), 'fixtures');
		expect(result.ok).toBe(false);
		expect(result.missing).toEqual([
			{ table: 'project_collaborators', recordId: 'recP01:recU06', detail: 'link not in PostgreSQL' }
		]);
	});
});
