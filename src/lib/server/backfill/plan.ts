// What the database holds before the import (read once, in the import's transaction), and the shape
// of the write plan the transform produces from it and the source.

import { createHash } from 'node:crypto';
import type { TargetTable } from './tables.ts';

/** What an earlier run imported for one source record or link (table airtable_imports). */
export interface LedgerEntry {
	rowKey: string;
	fields: Record<string, unknown>;
}

/** A project's link columns as the database holds them. */
export type ProjectLinks = Record<'repo_url' | 'demo_url' | 'image_url', string | null>;

export interface ExistingState {
	/** Keyed `${source}|${airtableKey}`. */
	ledger: Map<string, LedgerEntry>;
	users: Map<string, { email: string; airtableId: string | null }>;
	events: Map<string, { slug: string; joinCode: string; airtableId: string | null }>;
	projects: Map<
		string,
		{ joinCode: string; eventId: string; ownerId: string; airtableId: string | null; links: ProjectLinks }
	>;
	referrals: Map<string, { airtableId: string | null }>;
	votes: Map<string, { voterId: string; projectId: string; airtableId: string | null }>;
	/** `${eventId}:${userId}` */
	attendees: Set<string>;
	/** `${projectId}:${userId}` */
	collaborators: Set<string>;
}

export function emptyState(): ExistingState {
	return {
		ledger: new Map(),
		users: new Map(),
		events: new Map(),
		projects: new Map(),
		referrals: new Map(),
		votes: new Map(),
		attendees: new Set(),
		collaborators: new Set()
	};
}

export type Row = Record<string, unknown>;

export interface LedgerWrite {
	source: TargetTable;
	airtable_key: string;
	row_key: string;
	fields: Row;
}

export interface TablePlan {
	inserts: Row[];
	/** Only the columns that changed in Airtable since the last import. */
	updates: { id: string; patch: Row }[];
	ledger: LedgerWrite[];
}

export type WritePlan = Record<TargetTable, TablePlan>;

/**
 * How a source record relates to the database:
 * - new: never imported;
 * - tracked: imported before (`previous` holds the values it was imported with; null when the row
 *   carries its airtable_id but the ledger has no entry), or an existing row created in PostgreSQL
 *   that the record matches (`imported` false: such a row is never written to);
 * - deleted: imported before, then deleted in PostgreSQL: not brought back.
 */
export type Resolution =
	| { kind: 'new' }
	| { kind: 'tracked'; id: string; previous: Row | null; imported: boolean }
	| { kind: 'deleted'; id: string };

export function resolveRecord(
	state: ExistingState,
	source: TargetTable,
	recordId: string,
	rows: Map<string, { airtableId: string | null }>,
	byAirtableId: Map<string, string>
): Resolution {
	const entry = state.ledger.get(`${source}|${recordId}`);
	if (entry) {
		const row = rows.get(entry.rowKey);
		if (!row) return { kind: 'deleted', id: entry.rowKey };
		return { kind: 'tracked', id: entry.rowKey, previous: entry.fields, imported: row.airtableId !== null };
	}
	const id = byAirtableId.get(recordId);
	if (id) return { kind: 'tracked', id, previous: null, imported: true };
	return { kind: 'new' };
}

/** Index of rows by their airtable_id. */
export function indexByAirtableId(rows: Map<string, { airtableId: string | null }>): Map<string, string> {
	const index = new Map<string, string>();
	for (const [id, row] of rows) if (row.airtableId) index.set(row.airtableId, id);
	return index;
}

/** JSON with object keys sorted: jsonb does not keep key order, so values read back compare equal. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value ?? null, (_key, item: unknown) =>
		item && typeof item === 'object' && !Array.isArray(item)
			? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: item
	);
}

export function same(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
	if (typeof a !== 'object' || typeof b !== 'object') return false;
	return canonicalJson(a) === canonicalJson(b);
}

/** The fields whose source value differs from the one last imported (all of them without a ledger). */
export function changedFields(previous: Row | null, next: Row): Row {
	const patch: Row = {};
	for (const [key, value] of Object.entries(next)) {
		if (!previous || !same(previous[key], value)) patch[key] = value;
	}
	return patch;
}

/**
 * Users' values as the ledger keeps them: a digest per field, enough to tell whether Airtable changed
 * it, so that no second copy of anyone's email, address or date of birth is kept.
 */
export function fingerprint(fields: Row): Row {
	return Object.fromEntries(
		Object.entries(fields).map(([key, value]) => [
			key,
			createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22)
		])
	);
}

export function emptyPlan(): WritePlan {
	const table = (): TablePlan => ({ inserts: [], updates: [], ledger: [] });
	return {
		users: table(),
		events: table(),
		event_attendees: table(),
		projects: table(),
		project_collaborators: table(),
		referrals: table(),
		votes: table()
	};
}

/** Oldest first (ties by id), the order in which duplicates keep the first record. */
export function byCreation<T extends { id: string; createdTime: string }>(records: T[]): T[] {
	return [...records].sort((a, b) =>
		a.createdTime === b.createdTime ? (a.id < b.id ? -1 : 1) : a.createdTime < b.createdTime ? -1 : 1
	);
}
