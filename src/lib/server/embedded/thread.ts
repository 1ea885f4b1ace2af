import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
	DriverAdapterError,
	type IsolationLevel,
	type SqlDriverAdapter,
	type SqlQuery,
	type SqlResultSet,
	type Transaction,
	type TransactionOptions
} from '@prisma/driver-adapter-utils';
import { log } from '../log.ts';
import type { EmbeddedDatabase } from './in-process.ts';
import type { Notice, Reply, Request, ThreadError } from './worker.ts';

// Node runs the worker's file itself, from the directory the app runs from (as it reads prisma/migrations
// there): the app's bundle (build/) holds no copy of it.
const WORKER_FILE = path.resolve('src/lib/server/embedded/worker.ts');

// A thread that ended by itself is started again at the next statement, but not sooner than this after
// its last start: a database that cannot open fails each statement instead of starting a thread for each.
const RESTART_INTERVAL_MS = 1_000;

interface Call {
	resolve: (value: unknown) => void;
	reject: (error: Error) => void;
}

/** The database's thread as it is running: one of them at a time, a new one after one ended. */
interface Running {
	worker: Worker;
	calls: Map<number, Call>;
	/** Why it ended, once it has. */
	ended?: Error;
}

/** An embedded database with its thread, which tests may end as a crash would. */
export interface EmbeddedThread extends EmbeddedDatabase {
	/** The thread running now. */
	worker(): Worker | undefined;
}

/**
 * Opens the embedded database in `dir` in a thread of its own: the app's thread sends it statements and
 * renders pages while they run. If the thread ends by itself (PGlite stopped), the statements and
 * transactions it had are refused, as on a database server's restart, and the next statement starts it
 * again on the same files.
 */
export function startEmbeddedThread(dir: string): EmbeddedThread {
	const listeners = new Map<
		number,
		{ onNotify: (payload: string) => void; onError: (error: Error) => void }
	>();
	let running: Running | undefined;
	let startedAt = 0;
	let closed = false;
	let nextId = 1;

	const start = (): Running => {
		const worker = new Worker(WORKER_FILE, { workerData: { dir }, name: 'embedded database' });
		const thread: Running = { worker, calls: new Map() };
		startedAt = Date.now();
		// The thread keeps the process alive only while a statement is on its way: a script that has
		// received its last answer exits, as it did when the database ran in the app's thread.
		worker.unref();
		worker.on('message', (message: Reply | Notice) => {
			if ('listener' in message) return listeners.get(message.listener)?.onNotify(message.payload);
			const call = thread.calls.get(message.id);
			if (!call) return;
			thread.calls.delete(message.id);
			if (thread.calls.size === 0) worker.unref();
			if (message.error) call.reject(rebuild(message.error));
			else call.resolve(message.value);
		});
		const end = (reason: Error) => {
			if (thread.ended) return;
			thread.ended = reason;
			if (!closed)
				log.error({ err: reason }, 'The embedded database stopped; it starts again at the next query');
			const error = connectionClosed();
			for (const call of thread.calls.values()) call.reject(error);
			thread.calls.clear();
			// Its listeners hear no more: they are told, and listen again (live.ts).
			const lost = [...listeners.values()];
			listeners.clear();
			for (const listener of lost) listener.onError(error);
		};
		worker.on('error', (error) =>
			end(new Error(`The embedded database stopped: ${error.message}`, { cause: error }))
		);
		worker.on('exit', (code) =>
			end(new Error(`The embedded database stopped (its thread exited with ${code})`))
		);
		return thread;
	};

	const current = (): Running => {
		if (closed) throw connectionClosed();
		if (running && !running.ended) return running;
		if (running?.ended && Date.now() - startedAt < RESTART_INTERVAL_MS) throw connectionClosed();
		running = start();
		return running;
	};

	const send = <T>(request: Request, on?: Running): Promise<T> => {
		let thread: Running;
		try {
			thread = current();
		} catch (error) {
			return Promise.reject(error);
		}
		// A transaction belongs to the thread it began in: a new thread never had it.
		if (on && on !== thread) return Promise.reject(connectionClosed());
		const id = nextId++;
		if (thread.calls.size === 0) thread.worker.ref();
		return new Promise<T>((resolve, reject) => {
			thread.calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
			thread.worker.postMessage({ id, request });
		});
	};

	const queryable = (tx?: number, on?: Running) => ({
		provider: 'postgres' as const,
		adapterName: 'pglite-thread',
		queryRaw: (query: SqlQuery) => send<SqlResultSet>({ op: 'query', tx, query }, on),
		executeRaw: (query: SqlQuery) => send<number>({ op: 'execute', tx, query }, on)
	});
	const connection: SqlDriverAdapter = {
		...queryable(),
		executeScript: (script) => send({ op: 'exec', sql: script }),
		startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
			const on = current();
			const { tx, options } = await send<{ tx: number; options: TransactionOptions }>(
				{ op: 'begin', isolationLevel },
				on
			);
			return {
				...queryable(tx, on),
				options,
				commit: () => send({ op: 'commit', tx }, on),
				rollback: () => send({ op: 'rollback', tx }, on)
			};
		},
		getConnectionInfo: () => ({ supportsRelationJoins: true }),
		dispose: async () => {}
	};

	return {
		adapter: { provider: 'postgres', adapterName: 'pglite-thread', connect: async () => connection },
		sql: {
			query: (sql, params) => send({ op: 'sql', sql, params }),
			exec: (sql) => send({ op: 'exec', sql })
		},
		listen: async (channel, onNotify, onError) => {
			const on = current();
			const listener = await send<number>({ op: 'listen', channel }, on);
			listeners.set(listener, { onNotify, onError });
			return async () => {
				listeners.delete(listener);
				if (on === running) await send({ op: 'unlisten', listener }, on).catch(() => {});
			};
		},
		close: async () => {
			if (closed) return;
			if (running && !running.ended) await send({ op: 'close' });
			closed = true;
			await running?.worker.terminate();
		},
		worker: () => running?.worker
	};
}

/**
 * What a statement gets when the database's thread has stopped or is closed: the error of a database
 * connection that closed, which the app answers as an outage (503, try again: database-status.ts).
 */
function connectionClosed(): DriverAdapterError {
	return new DriverAdapterError({ kind: 'ConnectionClosed' });
}

/** The error the database's thread reported, as an error of this thread with the same name and fields. */
function rebuild(described: ThreadError): Error {
	if (described.name === 'DriverAdapterError') {
		return new DriverAdapterError(described.cause as ConstructorParameters<typeof DriverAdapterError>[0]);
	}
	const error = Object.assign(new Error(described.message), described.fields);
	error.name = described.name;
	if (described.cause !== undefined) {
		const cause = described.cause as Partial<ThreadError>;
		error.cause = cause.name && cause.fields ? rebuild(cause as ThreadError) : cause;
	}
	return error;
}
