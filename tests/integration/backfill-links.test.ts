import { beforeEach, describe, expect, it } from 'vitest';
import { importBackfill } from '../../src/lib/server/backfill/import';
import { readSnapshot } from '../../src/lib/server/backfill/source';
import { TARGET_TABLES, type SourceData } from '../../src/lib/server/backfill/tables';
import { verifyBackfill } from '../../src/lib/server/backfill/verify';
import { db } from '../helpers/db';

// Links of the old base that are not http(s) (javascript:, data:, vbscript:, in any spelling a browser
// still runs) are not imported: the field is left empty, the project is imported with the rest of its
// fields, and the report says which link of which record was dropped and why.

const load = (): SourceData => {
	const data = readSnapshot('tests/fixtures/airtable/base');
	const project = (id: string, fields: Record<string, unknown>) =>
		data.projects.push({
			id,
			createdTime: '2024-02-01T10:00:00.000Z',
			fields: { owner: ['recU01'], event: ['recE01'], hours_spent: 7, ...fields }
		});
	project('recP20', {
		name: 'Evil Links',
		description: 'Everything else is fine.',
		join_code: 'EVIL01',
		demo: 'javascript:alert(1)',
		repo: 'data:text/html,<script>alert(1)</script>',
		image_url: 'JaVaScRiPt:alert(document.cookie)'
	});
	project('recP21', {
		name: 'Sneaky Links',
		join_code: 'SNEAK1',
		demo: ' \t\n javascript:alert(2)',
		repo: 'vbscript:msgbox(1)',
		image_url: 'https://img.example/sneaky.png'
	});
	return data;
};

const run = (data = load()) => importBackfill(db, data, { source: 'fixtures' });

const links = (airtableId: string) =>
	db.project.findUniqueOrThrow({
		where: { airtableId },
		select: { name: true, description: true, hoursSpent: true, repoUrl: true, demoUrl: true, imageUrl: true }
	});

beforeEach(async () => {
	await db.$executeRawUnsafe(`TRUNCATE ${[...TARGET_TABLES, 'airtable_imports'].join(', ')} CASCADE`);
});

describe('links in the Airtable backfill', () => {
	it('imports the project without its unsafe links, and reports each dropped link', async () => {
		const report = await run();
		expect(report.tables.projects.created).toBe(6); // the fixture base's 4, and these 2
		expect(report.skips.filter((s) => s.recordId.startsWith('recP2'))).toEqual([]);

		expect(await links('recP20')).toEqual({
			name: 'Evil Links',
			description: 'Everything else is fine.',
			hoursSpent: 7,
			repoUrl: null,
			demoUrl: null,
			imageUrl: null
		});
		expect(await links('recP21')).toMatchObject({
			name: 'Sneaky Links',
			repoUrl: null,
			demoUrl: null,
			imageUrl: 'https://img.example/sneaky.png'
		});
		// The fixture base's good links are untouched.
		expect(await links('recP01')).toMatchObject({
			repoUrl: 'https://github.com/example/robot',
			demoUrl: 'https://robot.example',
			imageUrl: 'https://img.example/robot.png'
		});

		const dropped = report.fixes
			.filter((f) => f.recordId.startsWith('recP2'))
			.map((f) => [f.recordId, f.field, f.problem]);
		const why = expect.stringContaining('left empty: the link must be an http:// or https:// link');
		expect(dropped).toEqual([
			['recP20', 'repo', why],
			['recP20', 'demo', why],
			['recP20', 'image_url', why],
			['recP21', 'repo', why],
			['recP21', 'demo', why]
		]);
		expect(dropped[1][2]).toContain('"javascript:alert(1)"');
		expect(dropped[4][2]).toContain('"javascript:alert(2)"');
	});

	it('does not count a dropped link as a difference, and changes nothing on a second run', async () => {
		await run();
		const verified = await verifyBackfill(db, load(), 'fixtures');
		expect(verified.missing).toEqual([]);
		expect(verified.ok).toBe(true);

		const second = await run();
		expect(second.tables.projects).toMatchObject({ created: 0, updated: 0 });
		expect(await links('recP20')).toMatchObject({ repoUrl: null, demoUrl: null, imageUrl: null });
	});

	it('clears unsafe links an earlier import stored, but keeps a link fixed in PostgreSQL since', async () => {
		await run();
		// As a run before this check left them: the unsafe links in the rows and in the import ledger.
		for (const [id, field, column] of [
			['recP20', 'demo', 'demo_url'],
			['recP21', 'demo', 'demo_url']
		]) {
			const raw = load().projects.find((p) => p.id === id)!.fields[field] as string;
			await db.$executeRawUnsafe(`UPDATE projects SET ${column} = $1 WHERE airtable_id = $2`, raw.trim(), id);
			await db.$executeRawUnsafe(
				`UPDATE airtable_imports SET fields = jsonb_set(fields, '{${column}}', to_jsonb($1::text))
				 WHERE source = 'projects' AND airtable_key = $2`,
				raw.trim(),
				id
			);
		}
		// Then the team of recP21 gave a real demo link in Podium.
		await db.project.update({ where: { airtableId: 'recP21' }, data: { demoUrl: 'https://sneaky.example' } });

		const report = await run();
		expect(await links('recP20')).toMatchObject({ demoUrl: null });
		expect(await links('recP21')).toMatchObject({ demoUrl: 'https://sneaky.example' });
		expect(report.tables.projects).toMatchObject({ updated: 1 });
		expect(report.fixes).toContainEqual({
			table: 'projects',
			recordId: 'recP21',
			field: 'demo',
			problem: 'kept the http(s) link the database holds'
		});

		const third = await run();
		expect(third.tables.projects).toMatchObject({ created: 0, updated: 0 });
		expect(await links('recP21')).toMatchObject({ demoUrl: 'https://sneaky.example' });
	});
});
