/**
 * The embedded database's own thread. PGlite runs PostgreSQL, compiled to WebAssembly, on the thread that
 * calls it: in the app's thread every statement held up the pages and ballots being served meanwhile, and
 * the app used one of the machine's cores. Here it runs beside the app, which sends it the statements of
 * its requests (thread.ts) and renders pages while they run.
 *
 * Node runs this file itself (its type stripping, not Vite), so it imports packages and in-process.ts
 * only. It takes `workerData: { dir }` and answers the messages of thread.ts, each `{ id, request }`, with `{ id, value }`
 * or `{ id, error }`; a NOTIFY heard for a listener goes out as `{ listener, payload }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { embeddedOptions, prismaAdapterOf } from './in-process.ts';

export type Request =
	| { op: 'query' | 'execute'; tx?: number; query: SqlQuery }
	| { op: 'begin'; isolationLevel?: IsolationLevel }
	| { op: 'commit' | 'rollback'; tx: number }
	| { op: 'sql'; sql: string; params?: unknown[] }
	| { op: 'exec'; sql: string }
	| { op: 'listen'; channel: string }
	| { op: 'unlisten'; listener: number }
	| { op: 'close' };

/** An error as it crosses to the app's thread: its name, message, plain fields (`code`, `detail`) and cause. */
export interface ThreadError {
	name: string;
	message: string;
	fields: Record<string, string | number | boolean | null>;
	cause?: unknown;
}

export type Reply = { id: number; value?: unknown; error?: ThreadError };
export type Notice = { listener: number; payload: string };

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread (thread.ts starts it)');
const { dir } = workerData as { dir: string };

const pglite = new PGlite(dir, embeddedOptions);
const adapter: Promise<SqlDriverAdapter> = prismaAdapterOf(pglite).connect();
const transactions = new Map<number, Transaction>();
const listeners = new Map<number, () => Promise<void>>();
let nextId = 1;

port.on('message', async ({ id, request }: { id: number; request: Request }) => {
	try {
		port.postMessage({ id, value: await run(request) } satisfies Reply);
	} catch (error) {
		port.postMessage({ id, error: describe(error) } satisfies Reply);
	}
});

async function run(request: Request): Promise<unknown> {
	switch (request.op) {
		case 'query':
			return (await on(request.tx)).queryRaw(request.query);
		case 'execute':
			return (await on(request.tx)).executeRaw(request.query);
		case 'begin': {
			const tx = await (await adapter).startTransaction(request.isolationLevel);
			const txId = nextId++;
			transactions.set(txId, tx);
			return { tx: txId, options: tx.options };
		}
		case 'commit':
		case 'rollback': {
			const tx = transactionOf(request.tx);
			transactions.delete(request.tx);
			await (request.op === 'commit' ? tx.commit() : tx.rollback());
			return;
		}
		case 'sql':
			return { rows: (await pglite.query(request.sql, request.params)).rows };
		case 'exec':
			// Also the adapter's executeScript, which does not wait for the script itself (stack.md).
			await pglite.exec(request.sql);
			return;
		case 'listen': {
			const listener = nextId++;
			const stop = await pglite.listen(request.channel, (payload) =>
				port!.postMessage({ listener, payload } satisfies Notice)
			);
			listeners.set(listener, stop);
			return listener;
		}
		case 'unlisten':
			await listeners.get(request.listener)?.();
			listeners.delete(request.listener);
			return;
		case 'close':
			await pglite.close();
			return;
	}
}

async function on(txId: number | undefined) {
	return txId === undefined ? adapter : transactionOf(txId);
}

function transactionOf(txId: number): Transaction {
	const tx = transactions.get(txId);
	if (!tx) throw new Error(`Transaction ${txId} has ended already`);
	return tx;
}

function describe(error: unknown): ThreadError {
	if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
	const fields: ThreadError['fields'] = {};
	for (const [key, value] of Object.entries(error)) {
		if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
	}
	// A driver adapter's error carries what Prisma needs in its cause: plain data, copied as it is.
	const cause = error.cause instanceof Error ? describe(error.cause) : error.cause;
	return { name: error.name, message: error.message, fields, cause };
}
