// Where the records come from: Airtable's API through the official client, paced to the base's limit
// of 5 requests per second, or a snapshot directory (one JSON file per table) saved by an earlier run.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Airtable from 'airtable';
import { SOURCE_TABLES, type AirtableRecord, type SourceData, type SourceTable } from './tables.ts';

export class SourceError extends Error {}

export interface AirtableSettings {
	apiKey: string;
	baseId: string;
	endpointUrl?: string;
	tables: Record<SourceTable, string>;
}

export interface FetchOptions {
	/** Requests per second for the whole base (Airtable allows 5). */
	requestsPerSecond?: number;
	/** First wait after a network or server error; doubles on each retry. */
	retryDelayMs?: number;
	/** First wait after a 429 (Airtable asks for 30 s); doubles on each retry, up to a minute. */
	rateLimitDelayMs?: number;
	onPage?: (table: SourceTable, records: number, pages: number) => void;
	onTableDone?: (table: SourceTable, records: number, pages: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * At most `limit` requests in any window of `windowMs`, counting a request from its start until
 * `windowMs` after its answer came back. The server counts arrivals, which fall somewhere between the
 * two; counting from the answer is the only mark that can never be early, whatever the network does.
 * The first `limit` requests go at once, as the API allows.
 */
export function createRateLimiter(limit: number, windowMs: number) {
	type Slot = { doneAt?: number };
	const slots: Slot[] = [];
	const waiting: ((slot: Slot) => void)[] = [];
	let timer: NodeJS.Timeout | undefined;

	function admit() {
		timer = undefined;
		const now = Date.now();
		for (let i = slots.length - 1; i >= 0; i--) {
			const done = slots[i].doneAt;
			if (done !== undefined && done + windowMs <= now) slots.splice(i, 1);
		}
		while (waiting.length > 0 && slots.length < limit) {
			const slot: Slot = {};
			slots.push(slot);
			waiting.shift()!(slot);
		}
		if (waiting.length > 0) {
			const ends = slots.filter((s) => s.doneAt !== undefined).map((s) => s.doneAt! + windowMs);
			// With every slot still in flight, a release will call admit again.
			if (ends.length > 0) timer = setTimeout(admit, Math.max(0, Math.min(...ends) - now));
		}
	}

	/** Waits for a turn; call the returned function when the answer has arrived (or failed). */
	return async function acquire(): Promise<() => void> {
		const slot = await new Promise<Slot>((resolve) => {
			waiting.push(resolve);
			if (!timer) admit();
		});
		return () => {
			slot.doneAt = Date.now();
			if (timer) clearTimeout(timer);
			admit();
		};
	};
}

interface AirtableFailure {
	error?: string;
	message?: string;
	statusCode?: number | null;
}

const RETRIES = 8;

function explain(failure: AirtableFailure, settings: AirtableSettings, table: SourceTable): string {
	const name = settings.tables[table];
	const variable = `AIRTABLE_${table.toUpperCase()}_TABLE`;
	switch (failure.statusCode) {
		case 401:
			return 'Airtable refused the token in AIRTABLE_API_KEY (401): check that it is a valid personal access token.';
		case 403:
			return `Airtable denied access to base ${settings.baseId} (403): the token needs the data.records:read scope and access to this base (AIRTABLE_BASE_ID).`;
		case 404:
			return `Airtable found no table "${name}" in base ${settings.baseId} (404): check AIRTABLE_BASE_ID and ${variable}.`;
		default:
			return `Airtable failed while reading table "${name}": ${failure.message ?? String(failure)}${failure.statusCode ? ` (${failure.statusCode})` : ''}`;
	}
}

function retryable(failure: AirtableFailure): boolean {
	// No status: the connection failed or timed out.
	return !failure.statusCode || failure.statusCode === 429 || failure.statusCode >= 500;
}

/** Reads all five tables, in parallel but within the base's rate limit, retrying what can be retried. */
export async function fetchFromAirtable(
	settings: AirtableSettings,
	options: FetchOptions = {}
): Promise<{ data: SourceData; requests: number }> {
	const base = new Airtable({
		apiKey: settings.apiKey,
		endpointUrl: settings.endpointUrl,
		requestTimeout: 60_000,
		// The client would retry a 429 on its own, past our pacing; every request goes through it here.
		noRetryIfRateLimited: true
	}).base(settings.baseId);
	const acquire = createRateLimiter(options.requestsPerSecond ?? 5, 1000);
	const retryDelay = options.retryDelayMs ?? 1000;
	const rateLimitDelay = options.rateLimitDelayMs ?? 30_000;
	let requests = 0;

	async function page(table: SourceTable, offset: string | undefined) {
		for (let attempt = 0; ; attempt++) {
			const release = await acquire();
			requests++;
			try {
				const response = await base.makeRequest({
					method: 'GET',
					path: `/${encodeURIComponent(settings.tables[table])}`,
					qs: offset ? { pageSize: 100, offset } : { pageSize: 100 }
				});
				release();
				return response.body as { records?: AirtableRecord[]; offset?: string };
			} catch (error) {
				release();
				const failure = error as AirtableFailure;
				if (!retryable(failure) || attempt >= RETRIES) {
					throw new SourceError(explain(failure, settings, table), { cause: error });
				}
				const delay =
					failure.statusCode === 429
						? Math.min(rateLimitDelay * 2 ** attempt, 60_000)
						: retryDelay * 2 ** attempt;
				await sleep(delay * (0.75 + Math.random() / 4));
			}
		}
	}

	async function fetchTable(table: SourceTable): Promise<AirtableRecord[]> {
		const records: AirtableRecord[] = [];
		let offset: string | undefined;
		let pages = 0;
		let restarts = 0;
		for (;;) {
			let body;
			try {
				body = await page(table, offset);
			} catch (error) {
				// An offset expires after a while; start the table again rather than fail the run.
				const cause = (error as Error).cause as AirtableFailure | undefined;
				if (cause?.error !== 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' || restarts++ >= 3) throw error;
				records.length = 0;
				offset = undefined;
				continue;
			}
			pages++;
			records.push(...(body.records ?? []));
			offset = body.offset;
			options.onPage?.(table, records.length, pages);
			if (!offset) break;
		}
		options.onTableDone?.(table, records.length, pages);
		return records;
	}

	const tables = await Promise.all(SOURCE_TABLES.map(fetchTable));
	const data = Object.fromEntries(SOURCE_TABLES.map((table, i) => [table, tables[i]])) as SourceData;
	return { data, requests };
}

/** Saves the records as fetched, one file per table, plus a manifest: the cutover's backup. */
export function writeSnapshot(dir: string, data: SourceData, about: Record<string, unknown>) {
	mkdirSync(dir, { recursive: true });
	for (const table of SOURCE_TABLES) {
		// One record per line: readable, diffable, and quick to write at any size.
		const body = `[\n${data[table].map((record) => JSON.stringify(record)).join(',\n')}\n]\n`;
		writeFileSync(path.join(dir, `${table}.json`), body);
	}
	const counts = Object.fromEntries(SOURCE_TABLES.map((table) => [table, data[table].length]));
	writeFileSync(
		path.join(dir, 'manifest.json'),
		`${JSON.stringify({ ...about, savedAt: new Date().toISOString(), counts }, null, '\t')}\n`
	);
}

function validRecord(value: unknown): value is AirtableRecord {
	if (!value || typeof value !== 'object') return false;
	const record = value as Record<string, unknown>;
	return (
		typeof record.id === 'string' &&
		(record.fields === undefined || (typeof record.fields === 'object' && record.fields !== null))
	);
}

/** Reads a snapshot directory: `<table>.json` holding the records (an array, or `{ records: [...] }`). */
export function readSnapshot(dir: string): SourceData {
	const data = {} as SourceData;
	for (const table of SOURCE_TABLES) {
		const file = path.join(dir, `${table}.json`);
		let parsed: unknown;
		try {
			parsed = JSON.parse(readFileSync(file, 'utf8'));
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new SourceError(
				code === 'ENOENT'
					? `The snapshot ${dir} has no ${table}.json (expected users, events, projects, referrals and votes).`
					: `${file} is not valid JSON: ${(error as Error).message}`
			);
		}
		const records = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown })?.records;
		if (!Array.isArray(records)) throw new SourceError(`${file} holds no list of records.`);
		const bad = records.findIndex((record) => !validRecord(record));
		if (bad >= 0) {
			throw new SourceError(
				`${file}: record ${bad + 1} is not an Airtable record ({id, createdTime, fields}).`
			);
		}
		data[table] = (records as AirtableRecord[]).map((record) => ({
			id: record.id,
			createdTime: record.createdTime,
			fields: record.fields ?? {}
		}));
	}
	return data;
}
