// `backfill:verify`: does the database hold what the source holds? Every record and every attendee,
// collaborator and vote link of the source must be found in PostgreSQL, or be accounted for by the
// report (skipped with a reason, merged, or deleted in PostgreSQL after it was imported). Field values
// are not compared: a value the import had to change or leave empty (an unsafe link, say) is a fix
// the report lists, not a missing record.

import type { Database } from '../db.ts';
import { importBackfill } from './import.ts';
import { linkIds } from './normalize.ts';
import type { BackfillReport } from './report.ts';
import { TARGET_TABLES, type SourceData, type TargetTable } from './tables.ts';
import { collectLinks } from './transform.ts';

export interface VerifyCounts {
	source: number;
	found: number;
	accounted: number;
	missing: number;
	/** Rows of the table in PostgreSQL, including those created there after the cutover. */
	rows: number;
}

export interface VerifyResult {
	ok: boolean;
	tables: Record<TargetTable, VerifyCounts>;
	/** Source records or links neither in the database nor explained by the report. */
	missing: { table: TargetTable; recordId: string; detail: string }[];
	/** The explanation: what a run now would do (a dry run), with its skips and merges. */
	report: BackfillReport;
}

type Json = Record<string, string | null>;

async function readJson(db: Database, select: string): Promise<Json[]> {
	const [row] = await db.$queryRawUnsafe<{ data: string }[]>(
		`SELECT coalesce(json_agg(q), '[]')::text AS data FROM (${select}) AS q`
	);
	return JSON.parse(row.data) as Json[];
}

/** Compares the source with the database; `ok` is false on any unexplained difference. */
export async function verifyBackfill(db: Database, data: SourceData, source: string): Promise<VerifyResult> {
	const report = await importBackfill(db, data, { dryRun: true, source });
	const explained = new Set(report.skips.map((s) => `${s.table}|${s.recordId}`));

	// Read independently of the import's code: the ledger and airtable_id say which row a record became.
	const ledger = new Map(
		(await readJson(db, `SELECT source, airtable_key, row_key FROM airtable_imports`)).map((r) => [
			`${r.source}|${r.airtable_key}`,
			r.row_key!
		])
	);
	const rows: Record<string, Map<string, Json>> = {};
	const fromAirtable: Record<string, Map<string, string>> = {};
	for (const table of ['users', 'events', 'projects', 'referrals', 'votes'] as const) {
		const extra = table === 'votes' ? ', voter_id, project_id' : '';
		const list = await readJson(db, `SELECT id, airtable_id${extra} FROM "${table}"`);
		rows[table] = new Map(list.map((r) => [r.id!, r]));
		fromAirtable[table] = new Map(list.filter((r) => r.airtable_id).map((r) => [r.airtable_id!, r.id!]));
	}
	const pairs = {
		event_attendees: new Set(
			(await readJson(db, `SELECT event_id || ':' || user_id AS k FROM event_attendees`)).map((r) => r.k)
		),
		project_collaborators: new Set(
			(await readJson(db, `SELECT project_id || ':' || user_id AS k FROM project_collaborators`)).map(
				(r) => r.k
			)
		)
	};
	const rowOf = (table: string, recordId: string | undefined): string | undefined => {
		if (!recordId) return undefined;
		const id = ledger.get(`${table}|${recordId}`) ?? fromAirtable[table].get(recordId);
		return id && rows[table].has(id) ? id : undefined;
	};

	const counts = Object.fromEntries(
		TARGET_TABLES.map((t) => [t, { source: 0, found: 0, accounted: 0, missing: 0, rows: 0 }])
	) as Record<TargetTable, VerifyCounts>;
	const missing: VerifyResult['missing'] = [];
	const check = (table: TargetTable, recordId: string, found: boolean, detail: string) => {
		counts[table].source++;
		if (found) counts[table].found++;
		else if (explained.has(`${table}|${recordId}`)) counts[table].accounted++;
		else {
			counts[table].missing++;
			missing.push({ table, recordId, detail });
		}
	};

	for (const table of ['users', 'events', 'projects', 'referrals'] as const) {
		for (const record of data[table])
			check(table, record.id, !!rowOf(table, record.id), 'no row in PostgreSQL');
	}
	for (const record of data.votes) {
		const id = rowOf('votes', record.id);
		const vote = id ? rows.votes.get(id) : undefined;
		const voter = rowOf('users', linkIds(record.fields.voter)[0]);
		const project = rowOf('projects', linkIds(record.fields.project)[0]);
		const found = !!vote && vote.voter_id === voter && vote.project_id === project;
		check('votes', record.id, found, vote ? 'the vote row has another voter or project' : 'no vote row');
	}
	const links = (
		table: 'event_attendees' | 'project_collaborators',
		parent: 'events' | 'projects',
		list: [string, string][]
	) => {
		for (const [parentRec, userRec] of list) {
			const a = rowOf(parent, parentRec);
			const b = rowOf('users', userRec);
			check(
				table,
				`${parentRec}:${userRec}`,
				!!a && !!b && pairs[table].has(`${a}:${b}`),
				'link not in PostgreSQL'
			);
		}
	};
	links('event_attendees', 'events', collectLinks(data.events, 'attendees', data.users, 'attending_events'));
	links(
		'project_collaborators',
		'projects',
		collectLinks(data.projects, 'collaborators', data.users, 'collaborations')
	);

	for (const table of TARGET_TABLES) counts[table].rows = report.rowCounts[table];
	return { ok: missing.length === 0, tables: counts, missing, report };
}

/** The verification as a readable table and the list of unexplained differences. */
export function formatVerification(result: VerifyResult): string {
	const header = ['table', 'in source', 'found', 'accounted', 'MISSING', 'rows in PostgreSQL'];
	const body = TARGET_TABLES.map((t) => {
		const c = result.tables[t];
		return [t, c.source, c.found, c.accounted, c.missing, c.rows].map(String);
	});
	const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ''];
	out.push(
		'"found" includes records merged into one row; "accounted": skipped with a reason or deleted in',
		'PostgreSQL since the import (run with --dry-run for the full report); rows include those created',
		'in PostgreSQL after the cutover.',
		''
	);
	if (result.ok) out.push('Verified: every record and link of the source is in PostgreSQL or accounted for.');
	else {
		out.push(`NOT VERIFIED: ${result.missing.length} record(s) or link(s) of the source are missing:`);
		for (const m of result.missing.slice(0, 200)) out.push(`  ${m.table} ${m.recordId}: ${m.detail}`);
		if (result.missing.length > 200) out.push(`  ... and ${result.missing.length - 200} more`);
	}
	return out.join('\n');
}
