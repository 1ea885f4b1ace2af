import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { config, ConfigError, type DatabaseTarget } from './config.ts';
import { noteDatabaseReachable, watchPool } from './database-status.ts';
import { EmbeddedLockError, lockEmbeddedDirectory } from './embedded/lock.ts';
import { embeddedOptions, inThisThread, type EmbeddedDatabase } from './embedded/in-process.ts';
import { startEmbeddedThread } from './embedded/thread.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { log } from './log.ts';
import { applyMigrations, readMigrationState } from './migrations.ts';

export type Database = PrismaClient;

export class DatabaseNotReadyError extends Error {}

interface OpenedDatabase {
	client: PrismaClient;
	pool?: pg.Pool;
	prepare: () => Promise<void>;
	close: () => Promise<void>;
	listen: (
		channel: string,
		onNotify: Notify,
		onError: (error: Error) => void
	) => Promise<() => Promise<void>>;
}

// How long a request waits to get a database connection before it is answered 503.
const CONNECT_TIMEOUT_MS = 5_000;

function open(target: DatabaseTarget): OpenedDatabase {
	if (target.kind === 'server') {
		// The pool is ours, not the adapter's, so that /metrics can tell how busy it is.
		// JIT compilation costs tens of milliseconds and pays off only on long analytical queries, which the
		// app does not run: its estimates on large tables turned it on for page queries of a few ms.
		const pool = new pg.Pool({
			connectionString: target.url,
			max: config().databasePoolSize,
			options: '-c jit=off',
			// Without a limit, a request waits for a connection as long as the network lets it (minutes, for
			// a server that vanished without closing its sockets): it fails instead, as a 503 to try again.
			// The limit also bounds the wait for a free connection, which at the end-of-event rush is well
			// under a second (BENCHMARKS.md).
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
			// Finds connections to a server that is gone (idle ones included) instead of trusting them.
			keepAlive: true,
			keepAliveInitialDelayMillis: 10_000
		});
		// A pooled connection the server ended (a restart, a crash) is dropped by the pool, and the next
		// query makes a new one; the first that succeeds after an outage ends it.
		pool.on('connect', noteDatabaseReachable);
		// Full, and the database answered one of its connections within the wait a request is allowed:
		// a request that timed out waiting met an overload, not an outage (database-status.ts).
		let answeredAt = 0;
		pool.on('release', () => (answeredAt = Date.now()));
		watchPool(
			() =>
				pool.totalCount >= config().databasePoolSize &&
				pool.idleCount === 0 &&
				Date.now() - answeredAt < CONNECT_TIMEOUT_MS
		);
		pool.on('error', (error) => log.debug({ err: error }, 'A pooled database connection was lost'));
		const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
		return {
			client,
			pool,
			prepare: () => checkServerIsMigrated(target.url),
			close: async () => {},
			listen: (channel, onNotify, onError) => listenOnServer(target.url, channel, onNotify, onError)
		};
	}
	const embedded = openEmbedded(target.dir);
	if (typeof embedded === 'string') return unavailable(embedded);
	const client = new PrismaClient({ adapter: embedded.adapter });
	return {
		client,
		// The embedded database has no operator: it migrates itself, with the same migration files.
		prepare: async () => {
			await applyMigrations(embedded.sql);
		},
		close: embedded.close,
		listen: embedded.listen
	};
}

// The embedded databases this process has open, by directory, on globalThis because it outlives this
// module: Vite's dev server runs db.ts again when it or the Prisma client changes, and the new copy
// must use the database already open, not open its files a second time (nor be refused by its own lock).
const openHere = ((
	globalThis as { podiumEmbeddedDatabases?: Map<string, EmbeddedDatabase> }
).podiumEmbeddedDatabases ??= new Map());

/** Opens the embedded database in `dir`, or says why this process may not. */
function openEmbedded(dir: string): EmbeddedDatabase | string {
	// One open already, or handed over under its name (the unit tests' in-memory copies of a migrated
	// database: tests/setup/database.ts).
	const alreadyOpen = openHere.get(dir);
	if (alreadyOpen) return alreadyOpen;
	// In memory, it is the tests' own: it stays in this thread, where they can hand one over.
	if (dir.startsWith('memory://')) return inThisThread(new PGlite(dir, embeddedOptions));
	let unlock;
	try {
		mkdirSync(dir, { recursive: true });
		// Before PGlite touches the files: a second process must never open them.
		unlock = lockEmbeddedDirectory(dir);
	} catch (error) {
		if (error instanceof EmbeddedLockError) return error.message;
		return `Cannot open the embedded database at ${dir}: ${(error as Error).message}`;
	}
	// In a thread of its own, so that the app's thread renders pages while the database works.
	const database = startEmbeddedThread(dir);
	const embedded: EmbeddedDatabase = {
		...database,
		close: async () => {
			if (openHere.get(dir) !== embedded) return; // closed already, by an earlier copy of this module
			openHere.delete(dir);
			try {
				await database.close();
			} finally {
				unlock();
			}
		}
	};
	openHere.set(dir, embedded);
	return embedded;
}

/**
 * A database this process may not open. The module is imported before anyone can catch an error, so
 * the reason waits in prepareDatabase() (the app's start-up reports it and exits); a query gets it too.
 */
function unavailable(reason: string): OpenedDatabase {
	const refuse = () => Promise.reject(new DatabaseNotReadyError(reason));
	return {
		client: new PrismaClient({
			adapter: { provider: 'postgres', adapterName: 'unavailable', connect: refuse }
		}),
		prepare: refuse,
		close: async () => {},
		listen: refuse
	};
}

type Notify = (payload: string) => void;

// One connection per listener, outside the pool: a LISTEN holds its connection for as long as it lasts.
async function listenOnServer(
	url: string,
	channel: string,
	onNotify: Notify,
	onError: (error: Error) => void
) {
	const connection = new pg.Client({
		connectionString: url,
		connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
		keepAlive: true,
		keepAliveInitialDelayMillis: 10_000
	});
	connection.on('notification', (message) => {
		if (message.channel === channel) onNotify(message.payload ?? '');
	});
	// Until it listens, a failure rejects the promise below; after, it is reported once (pg sends 'error'
	// and then 'end'), so that the listener is started again once.
	let listening = false;
	let stopped = false;
	const lost = (error: Error) => {
		if (!listening || stopped) return;
		stopped = true;
		onError(error);
	};
	connection.on('error', lost);
	connection.on('end', () => lost(new Error('Connection terminated: the listening connection was closed')));
	try {
		await connection.connect();
		await connection.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
	} catch (error) {
		await connection.end().catch(() => {});
		throw error;
	}
	listening = true;
	return async () => {
		stopped = true;
		await connection.end().catch(() => {});
	};
}

// A server is migrated by its operator (`npx prisma migrate deploy`); the app only checks.
async function checkServerIsMigrated(url: string) {
	const connection = new pg.Client({ connectionString: url });
	try {
		await connection.connect();
	} catch (error) {
		throw new DatabaseNotReadyError(
			`Cannot connect to the PostgreSQL server in DATABASE_URL: ${(error as Error).message}`
		);
	}
	try {
		const { pending, failed } = await readMigrationState({
			query: (sql, params) => connection.query(sql, params),
			exec: (sql) => connection.query(sql)
		});
		if (failed.length > 0) {
			throw new DatabaseNotReadyError(
				`Migration ${failed.join(', ')} failed on the database in DATABASE_URL. ` +
					'Fix it, then run `npx prisma migrate resolve` and `npx prisma migrate deploy`.'
			);
		}
		if (pending.length > 0) {
			throw new DatabaseNotReadyError(
				`The database in DATABASE_URL has ${pending.length} pending migration(s): ${pending.join(', ')}. ` +
					'Run `npx prisma migrate deploy` and start the app again.'
			);
		}
	} finally {
		await connection.end();
	}
}

// Settings with problems: start-up reports them and stops (src/hooks.server.ts); until then the
// database is unavailable rather than an import that throws.
const target: DatabaseTarget | ConfigError = readTarget();
const opened = target instanceof ConfigError ? unavailable(target.message) : open(target);

function readTarget(): DatabaseTarget | ConfigError {
	try {
		return config().database;
	} catch (error) {
		if (error instanceof ConfigError) return error;
		throw error;
	}
}

/** The one Prisma client of the app; the same queries run on a server and on the embedded database. */
export const db: Database = opened.client;

let ready: Promise<void> | undefined;

/** Makes the database usable: migrates the embedded one, checks that a server is migrated. */
export function prepareDatabase(): Promise<void> {
	ready ??= opened.prepare();
	return ready;
}

/** Closes the client and, for the embedded database, the database itself. */
export async function closeDatabase(): Promise<void> {
	await db.$disconnect();
	await opened.close();
}

/**
 * Calls `onNotify` with the payload of every `NOTIFY channel` sent to this database, by any process
 * using it (several app instances share one PostgreSQL server). `onError` hears of a lost connection:
 * the listener is then dead and must be started again. Resolves to a function that stops listening.
 */
export function listenToDatabase(
	channel: string,
	onNotify: Notify,
	onError: (error: Error) => void = () => {}
): Promise<() => Promise<void>> {
	return opened.listen(channel, onNotify, onError);
}

/** Where this process keeps its data, for logs and the health check (no credentials). */
export function describeDatabase(): string {
	if (target instanceof ConfigError) return 'no database (the settings have problems)';
	if (target.kind === 'embedded') return `embedded PostgreSQL (PGlite) at ${target.dir}`;
	const url = new URL(target.url);
	return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** The server connection pool's connections in use and requests waiting for one; null when embedded. */
export function databasePoolUsage(): { inUse: number; waiting: number } | null {
	const pool = opened.pool;
	if (!pool) return null;
	return { inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount };
}
