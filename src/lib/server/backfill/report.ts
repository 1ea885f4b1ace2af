// The reconciliation report: what was read, what became of every record, and why.

import { TARGET_TABLES, type TargetTable } from './tables.ts';

export interface TableCounts {
	read: number;
	created: number;
	updated: number;
	unchanged: number;
	merged: number;
	skipped: number;
	skippedByReason: Record<string, number>;
}

/** A record (or, for attendee and collaborator links, a "recA:recB" pair) that was not imported. */
export interface Skip {
	table: TargetTable;
	recordId: string;
	reason: string;
	detail: string;
}

/** A value that had to be changed or dropped to be stored, or a fact worth a second look. */
export interface Fix {
	table: TargetTable;
	recordId: string;
	field: string;
	problem: string;
}

/** Several source records that became one row. */
export interface Merge {
	table: TargetTable;
	/** What they had in common: the normalised email, or the voter and project of a vote. */
	key: string;
	keptId: string;
	mergedIds: string[];
}

export interface BackfillReport {
	source: string;
	dryRun: boolean;
	startedAt: string;
	finishedAt: string;
	durationMs: number;
	tables: Record<TargetTable, TableCounts>;
	/** Rows in each PostgreSQL table after the run (including rows created in PostgreSQL). */
	rowCounts: Record<TargetTable, number>;
	skips: Skip[];
	fixes: Fix[];
	merges: Merge[];
}

export type Outcome = 'created' | 'updated' | 'unchanged' | 'merged';

/** Collects the report while the import is planned. */
export function createReportBuilder() {
	const tables = Object.fromEntries(
		TARGET_TABLES.map((table) => [
			table,
			{ read: 0, created: 0, updated: 0, unchanged: 0, merged: 0, skipped: 0, skippedByReason: {} }
		])
	) as Record<TargetTable, TableCounts>;
	const skips: Skip[] = [];
	const fixes: Fix[] = [];
	const merges: Merge[] = [];
	return {
		tables,
		skips,
		fixes,
		merges,
		count(table: TargetTable, outcome: Outcome) {
			tables[table].read++;
			tables[table][outcome]++;
		},
		skip(table: TargetTable, recordId: string, reason: string, detail: string) {
			tables[table].read++;
			tables[table].skipped++;
			tables[table].skippedByReason[reason] = (tables[table].skippedByReason[reason] ?? 0) + 1;
			skips.push({ table, recordId, reason, detail });
		},
		fix(table: TargetTable, recordId: string, field: string, problem: string | undefined) {
			if (problem) fixes.push({ table, recordId, field, problem });
		},
		merge(entry: Merge) {
			merges.push(entry);
		}
	};
}

export type ReportBuilder = ReturnType<typeof createReportBuilder>;

const LABELS: Record<TargetTable, string> = {
	users: 'users',
	events: 'events',
	event_attendees: 'attendees',
	projects: 'projects',
	project_collaborators: 'collaborators',
	referrals: 'referrals',
	votes: 'votes'
};

/** The report as a readable table, followed by every skip, merge and fix. */
export function formatReport(report: BackfillReport): string {
	const header = ['table', 'read', 'created', 'updated', 'unchanged', 'merged', 'skipped', 'rows after'];
	const rows = TARGET_TABLES.map((table) => {
		const c = report.tables[table];
		return [
			LABELS[table],
			c.read,
			c.created,
			c.updated,
			c.unchanged,
			c.merged,
			c.skipped,
			report.rowCounts[table]
		].map(String);
	});
	const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) =>
		cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
	const out = [
		`Airtable backfill from ${report.source}${report.dryRun ? ' (dry run: nothing was written)' : ''}`,
		'',
		line(header),
		line(widths.map((w) => '-'.repeat(w))),
		...rows.map(line)
	];
	const reasons = TARGET_TABLES.flatMap((table) =>
		Object.entries(report.tables[table].skippedByReason).map(
			([reason, n]) => `  ${LABELS[table]}: ${reason} × ${n}`
		)
	);
	if (reasons.length > 0) out.push('', 'Skipped, by reason:', ...reasons);
	if (report.skips.length > 0) {
		out.push('', `Skipped records (${report.skips.length}):`);
		for (const s of report.skips) out.push(`  ${LABELS[s.table]} ${s.recordId}: ${s.reason}: ${s.detail}`);
	}
	if (report.merges.length > 0) {
		out.push('', `Merged (${report.merges.length}):`);
		for (const m of report.merges) {
			out.push(`  ${LABELS[m.table]} ${m.key}: kept ${m.keptId}, merged ${m.mergedIds.join(', ')}`);
		}
	}
	if (report.fixes.length > 0) {
		out.push('', `Fixed or noted values (${report.fixes.length}):`);
		for (const f of report.fixes) out.push(`  ${LABELS[f.table]} ${f.recordId} ${f.field}: ${f.problem}`);
	}
	out.push('', `Took ${(report.durationMs / 1000).toFixed(1)} s.`);
	return out.join('\n');
}
