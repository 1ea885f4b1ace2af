// The import's writes: one transaction, a handful of set-based statements per table (rows travel as
// one JSON document per statement, unpacked by jsonb_to_recordset), so the run takes seconds, not
// one round trip per record. Either everything is written or nothing is.

import type { Database } from '../db.ts';
import type { ExistingState, ProjectLinks, Row, WritePlan } from './plan.ts';
import type { BackfillReport } from './report.ts';
import { TARGET_TABLES, type SourceData, type TargetTable } from './tables.ts';
import { planImport } from './transform.ts';

type Transaction = Parameters<Parameters<Database['$transaction']>[0]>[0];

/** Column types of the rows the backfill writes, as jsonb_to_recordset needs them. */
const COLUMNS: Record<TargetTable, Record<string, string>> = {
	users: {
		id: 'uuid',
		email: 'text',
		first_name: 'text',
		last_name: 'text',
		display_name: 'text',
		phone: 'text',
		street_1: 'text',
		street_2: 'text',
		city: 'text',
		state: 'text',
		zip_code: 'text',
		country: 'text',
		dob: 'date',
		profile_completed_at: 'timestamptz',
		airtable_id: 'text',
		created_at: 'timestamptz',
		updated_at: 'timestamptz'
	},
	events: {
		id: 'uuid',
		name: 'text',
		slug: 'text',
		description: 'text',
		join_code: 'text',
		owner_id: 'uuid',
		phase: 'event_phase',
		demo_links_optional: 'boolean',
		ysws_checks_enabled: 'boolean',
		feature_flags: 'text[]',
		airtable_id: 'text',
		created_at: 'timestamptz',
		updated_at: 'timestamptz'
	},
	event_attendees: { event_id: 'uuid', user_id: 'uuid', joined_at: 'timestamptz' },
	projects: {
		id: 'uuid',
		name: 'text',
		description: 'text',
		repo_url: 'text',
		demo_url: 'text',
		image_url: 'text',
		hours_spent: 'double precision',
		join_code: 'text',
		owner_id: 'uuid',
		event_id: 'uuid',
		legacy_points: 'integer',
		cached_auto_quality: 'jsonb',
		airtable_id: 'text',
		created_at: 'timestamptz',
		updated_at: 'timestamptz'
	},
	project_collaborators: { project_id: 'uuid', user_id: 'uuid', joined_at: 'timestamptz' },
	referrals: {
		id: 'uuid',
		content: 'text',
		user_id: 'uuid',
		event_id: 'uuid',
		airtable_id: 'text',
		created_at: 'timestamptz'
	},
	votes: {
		id: 'uuid',
		voter_id: 'uuid',
		project_id: 'uuid',
		event_id: 'uuid',
		airtable_id: 'text',
		created_at: 'timestamptz'
	}
};

const CHUNK = 10_000;

function chunks<T>(items: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
	return out;
}

async function insertRows(tx: Transaction, table: TargetTable, rows: Row[]) {
	const columns = Object.entries(COLUMNS[table]);
	const names = columns.map(([name]) => `"${name}"`).join(', ');
	const definition = columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
	for (const chunk of chunks(rows)) {
		await tx.$executeRawUnsafe(
			`INSERT INTO "${table}" (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${definition})`,
			JSON.stringify(chunk)
		);
	}
}

function patchValue(name: string, type: string): string {
	if (type.endsWith('[]')) return `ARRAY(SELECT jsonb_array_elements_text(x.patch->'${name}'))::${type}`;
	if (type === 'jsonb') return `NULLIF(x.patch->'${name}', 'null'::jsonb)`;
	return `(x.patch->>'${name}')::${type}`;
}

/** Applies each row's patch (only the columns it names); rows created in PostgreSQL are never touched. */
async function updateRows(tx: Transaction, table: TargetTable, updates: { id: string; patch: Row }[]) {
	const patchable = new Set(updates.flatMap((u) => Object.keys(u.patch)));
	const sets = Object.entries(COLUMNS[table])
		.filter(([name]) => patchable.has(name))
		.map(
			([name, type]) =>
				`"${name}" = CASE WHEN x.patch ? '${name}' THEN ${patchValue(name, type)} ELSE t."${name}" END`
		);
	if ('updated_at' in COLUMNS[table]) sets.push(`"updated_at" = now()`);
	for (const chunk of chunks(updates)) {
		await tx.$executeRawUnsafe(
			`UPDATE "${table}" AS t SET ${sets.join(', ')}
			 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, patch jsonb)
			 WHERE t.id = x.id AND t.airtable_id IS NOT NULL`,
			JSON.stringify(chunk)
		);
	}
}

async function writeLedger(tx: Transaction, entries: WritePlan[TargetTable]['ledger']) {
	for (const chunk of chunks(entries)) {
		await tx.$executeRawUnsafe(
			`INSERT INTO airtable_imports (source, airtable_key, row_key, fields)
			 SELECT source, airtable_key, row_key, fields
			 FROM jsonb_to_recordset($1::jsonb) AS x(source text, airtable_key text, row_key text, fields jsonb)
			 ON CONFLICT (source, airtable_key)
			 DO UPDATE SET row_key = EXCLUDED.row_key, fields = EXCLUDED.fields, imported_at = now()`,
			JSON.stringify(chunk)
		);
	}
}

/** Reads one query's rows as a single JSON document: far faster than row-by-row for 10⁵ rows. */
async function readJson<T>(tx: Transaction, select: string): Promise<T[]> {
	const [row] = await tx.$queryRawUnsafe<{ data: string }[]>(
		`SELECT coalesce(json_agg(q), '[]')::text AS data FROM (${select}) AS q`
	);
	return JSON.parse(row.data) as T[];
}

/** What the database holds that the import must match or avoid (read inside the transaction). */
export async function readExistingState(tx: Transaction): Promise<ExistingState> {
	type Ledger = { s: string; k: string; r: string; f: Row };
	const [ledger, users, events, projects, referrals, votes, attendees, collaborators] = [
		await readJson<Ledger>(
			tx,
			`SELECT source AS s, airtable_key AS k, row_key AS r, fields AS f FROM airtable_imports`
		),
		await readJson<{ id: string; e: string; a: string | null }>(
			tx,
			`SELECT id, email AS e, airtable_id AS a FROM users`
		),
		await readJson<{ id: string; s: string; c: string; a: string | null }>(
			tx,
			`SELECT id, slug AS s, join_code AS c, airtable_id AS a FROM events`
		),
		await readJson<{ id: string; c: string; e: string; o: string; a: string | null; l: ProjectLinks }>(
			tx,
			`SELECT id, join_code AS c, event_id AS e, owner_id AS o, airtable_id AS a,
				json_build_object('repo_url', repo_url, 'demo_url', demo_url, 'image_url', image_url) AS l
			 FROM projects`
		),
		await readJson<{ id: string; a: string | null }>(tx, `SELECT id, airtable_id AS a FROM referrals`),
		await readJson<{ id: string; v: string; p: string; a: string | null }>(
			tx,
			`SELECT id, voter_id AS v, project_id AS p, airtable_id AS a FROM votes`
		),
		await readJson<{ k: string }>(tx, `SELECT event_id || ':' || user_id AS k FROM event_attendees`),
		await readJson<{ k: string }>(tx, `SELECT project_id || ':' || user_id AS k FROM project_collaborators`)
	];
	return {
		ledger: new Map(ledger.map((l) => [`${l.s}|${l.k}`, { rowKey: l.r, fields: l.f }])),
		users: new Map(users.map((u) => [u.id, { email: u.e, airtableId: u.a }])),
		events: new Map(events.map((e) => [e.id, { slug: e.s, joinCode: e.c, airtableId: e.a }])),
		projects: new Map(
			projects.map((p) => [p.id, { joinCode: p.c, eventId: p.e, ownerId: p.o, airtableId: p.a, links: p.l }])
		),
		referrals: new Map(referrals.map((r) => [r.id, { airtableId: r.a }])),
		votes: new Map(votes.map((v) => [v.id, { voterId: v.v, projectId: v.p, airtableId: v.a }])),
		attendees: new Set(attendees.map((a) => a.k)),
		collaborators: new Set(collaborators.map((c) => c.k))
	};
}

/** Rows in each table the backfill fills. */
export async function countRows(tx: Transaction | Database): Promise<Record<TargetTable, number>> {
	const select = TARGET_TABLES.map((t) => `(SELECT count(*)::int FROM "${t}") AS "${t}"`).join(', ');
	const [row] = await tx.$queryRawUnsafe<Record<TargetTable, number>[]>(`SELECT ${select}`);
	return row;
}

class DryRunRollback extends Error {}

export interface ImportOptions {
	dryRun?: boolean;
	source: string;
	/** Called after each table is written (progress; tests use it to stop a run midway). */
	onTableWritten?: (table: TargetTable, rows: number) => void | Promise<void>;
}

/** Imports the source into the database in one transaction; a dry run rolls it back at the end. */
export async function importBackfill(
	db: Database,
	data: SourceData,
	options: ImportOptions
): Promise<BackfillReport> {
	const started = new Date();
	let report: BackfillReport | undefined;
	try {
		await db.$transaction(
			async (tx) => {
				// Nobody else writes these tables while the import decides what to write.
				await tx.$executeRawUnsafe(
					`LOCK TABLE ${[...TARGET_TABLES, 'airtable_imports'].map((t) => `"${t}"`).join(', ')} IN SHARE ROW EXCLUSIVE MODE`
				);
				const state = await readExistingState(tx);
				const { plan, report: builder } = planImport(data, state, started);
				for (const table of TARGET_TABLES) {
					const { inserts, updates, ledger } = plan[table];
					if (inserts.length > 0) await insertRows(tx, table, inserts);
					if (updates.length > 0) await updateRows(tx, table, updates);
					if (ledger.length > 0) await writeLedger(tx, ledger);
					await options.onTableWritten?.(table, inserts.length + updates.length);
				}
				const finished = new Date();
				report = {
					source: options.source,
					dryRun: !!options.dryRun,
					startedAt: started.toISOString(),
					finishedAt: finished.toISOString(),
					durationMs: finished.getTime() - started.getTime(),
					tables: builder.tables,
					rowCounts: await countRows(tx),
					skips: builder.skips,
					fixes: builder.fixes,
					merges: builder.merges
				};
				if (options.dryRun) throw new DryRunRollback();
			},
			{ timeout: 60 * 60_000, maxWait: 60_000 }
		);
	} catch (error) {
		if (!(error instanceof DryRunRollback)) throw error;
	}
	return report!;
}
