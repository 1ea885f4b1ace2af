// A local fake of Airtable's list-records API, enough for the official `airtable` client:
// GET /v0/<base>/<table>?pageSize&offset (and POST .../listRecords), pagination with an opaque
// offset, 401 for a wrong token, 404 for an unknown base or table, and 429 beyond 5 requests per
// second per base, as the real API. Used by the backfill tests and by `npm run bench:backfill`.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRecord {
	id: string;
	createdTime: string;
	fields: Record<string, unknown>;
}

export interface FakeAirtableOptions {
	baseId: string;
	token: string;
	/** Table name (or table id) → records. */
	tables: Record<string, FakeRecord[]>;
	/** Requests allowed per second per base (Airtable: 5). */
	requestsPerSecond?: number;
	/** Answer these many of the next requests with a dropped connection (network error tests). */
	failNext?: number;
}

export interface FakeAirtable {
	url: string;
	/** Every request, in order: when it arrived and how it was answered. */
	requests: { at: number; path: string; status: number }[];
	options: FakeAirtableOptions;
	close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
	let text = '';
	for await (const chunk of req) text += chunk;
	try {
		return text ? (JSON.parse(text) as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeAirtable(options: FakeAirtableOptions): Promise<FakeAirtable> {
	const requests: FakeAirtable['requests'] = [];
	const accepted: number[] = [];
	const limit = () => options.requestsPerSecond ?? 5;

	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const at = Date.now();
		const answer = (status: number, body: unknown) => {
			requests.push({ at, path: url.pathname + url.search, status });
			send(res, status, body);
		};
		if (options.failNext && options.failNext > 0) {
			options.failNext--;
			requests.push({ at, path: url.pathname, status: 0 });
			req.socket.destroy();
			return;
		}
		if (req.headers.authorization !== `Bearer ${options.token}`) {
			return answer(401, { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } });
		}
		// The real API counts requests per base in a sliding second; beyond the limit it answers 429.
		while (accepted.length > 0 && accepted[0] <= at - 1000) accepted.shift();
		if (accepted.length >= limit()) {
			return answer(429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded.' }] });
		}
		accepted.push(at);

		const match = /^\/v0\/([^/]+)\/([^/]+?)(\/listRecords)?$/.exec(url.pathname);
		const table = match ? options.tables[decodeURIComponent(match[2])] : undefined;
		if (!match || match[1] !== options.baseId || !table) {
			return answer(404, { error: { type: 'TABLE_NOT_FOUND', message: 'Could not find table' } });
		}
		const params =
			match[3] && req.method === 'POST' ? await readBody(req) : Object.fromEntries(url.searchParams);
		const pageSize = Number(params.pageSize ?? 100);
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
			return answer(422, { error: { type: 'INVALID_REQUEST_UNKNOWN', message: 'Invalid page size' } });
		}
		let start = 0;
		if (params.offset !== undefined) {
			const parsed = /^itr[a-z0-9]+\/rec(\d+)$/.exec(String(params.offset));
			if (!parsed) {
				return answer(422, {
					error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE', message: 'Invalid offset' }
				});
			}
			start = Number(parsed[1]);
		}
		const records = table.slice(start, start + pageSize);
		const next = start + pageSize < table.length ? `itr${at.toString(36)}/rec${start + pageSize}` : undefined;
		answer(200, next ? { records, offset: next } : { records });
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		options,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
