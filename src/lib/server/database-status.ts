import { log } from './log.ts';

// Whether the database is reachable, as the app last found it: an outage (a restart, a failover, a cut
// network) is logged once as it begins and once as it ends, rather than once per refused request, which
// during an event would be thousands of identical lines.

// Driver adapter error kinds and Prisma codes that mean "no database", not "bad query".
const UNAVAILABLE_KINDS = new Set([
	'DatabaseNotReachable',
	'ConnectionClosed',
	'SocketTimeout',
	'TooManyConnections',
	'TlsConnectionError'
]);
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'ENOTFOUND',
	'EPIPE',
	'EHOSTUNREACH'
]);
// SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, crashed, not accepting yet),
// 53300 (too many connections).
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
// pg's own errors for a dropped or never-made connection carry no code.
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Can't reach database server/i;

interface ErrorLike {
	code?: unknown;
	kind?: unknown;
	message?: unknown;
	cause?: unknown;
	meta?: { driverAdapterError?: { cause?: unknown } };
}

/** The part of `error` (or of what caused it) that says the database could not be reached, if any. */
function findUnavailability(error: unknown): ErrorLike | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
		const e = current as ErrorLike;
		const code = typeof e.code === 'string' ? e.code : '';
		if (PRISMA_CODES.has(code) || NETWORK_CODES.has(code) || SQLSTATE.test(code)) return e;
		if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return e;
		if (typeof e.message === 'string' && MESSAGES.test(e.message)) return e;
		current = e.meta?.driverAdapterError?.cause ?? e.cause;
	}
	return undefined;
}

/** Whether `error` (or what caused it) says the database could not be reached, rather than refused a query. */
export function isDatabaseUnavailable(error: unknown): boolean {
	return findUnavailability(error) !== undefined;
}

/** A short reason for the log: "ECONNREFUSED", "57P01 terminating connection due to administrator command". */
function reasonOf(error: unknown): string {
	const found = findUnavailability(error) ?? (error as ErrorLike);
	const code =
		typeof found?.code === 'string' ? found.code : typeof found?.kind === 'string' ? found.kind : '';
	// Prisma's messages start with a blank line and "Invalid `prisma.$queryRaw()` invocation:"; what the
	// database or the driver said is on the last line.
	const lines = typeof found?.message === 'string' ? found.message.split('\n').filter((l) => l.trim()) : [];
	const message = (lines.at(-1) ?? '').trim().slice(0, 200);
	if (!message || message === code) return code || String(error).split('\n')[0].slice(0, 200);
	return code ? `${code} ${message}` : message;
}

let outage: { since: number; refused: number } | undefined;
// When the last outage ended. Requests that were already failing when it ended (a connection attempt
// made while the server was still starting, answered "not yet accepting connections") report their
// errors a moment after the pool's first new connection: those belong to the outage that just ended.
let recoveredAt = -Infinity;
const STRAGGLER_MS = 2_000;

// pg words a request that waited too long for a free connection of a full pool exactly as one that could
// not connect at all: "timeout exceeded when trying to connect". While the database keeps answering the
// pool's other requests, that is an overload (the pool is too small for the load), not an outage.
const POOL_WAIT = /timeout exceeded when trying to connect/i;
let poolIsBusy: () => boolean = () => false;
let overload: { since: number; refused: number } | undefined;
const OVERLOAD_LOG_INTERVAL_MS = 60_000;

/**
 * Tells how to know that the server pool is full of connections the database is answering on (db.ts):
 * then a request that timed out waiting for one is noted as an overload, not as an outage.
 */
export function watchPool(busy: () => boolean): void {
	poolIsBusy = busy;
}

function noteOverload(refused: boolean) {
	const now = Date.now();
	if (!overload || now - overload.since >= OVERLOAD_LOG_INTERVAL_MS) {
		if (overload?.refused)
			log.warn({ refused: overload.refused }, `Overloaded: ${overload.refused} more request(s) answered 503`);
		overload = { since: now, refused: 0 };
		log.warn(
			"Overloaded: a request waited 5 s for a database connection while all of the pool's were busy, and " +
				'was answered 503 (the database is reachable; see DATABASE_POOL_SIZE and WEB_CONCURRENCY)'
		);
	} else if (refused) overload.refused += 1;
}

/**
 * Notes that the database could not be reached (`refused`: a request was answered 503 for it). The first
 * note of an outage logs a warning; the others are counted, and logged only at debug level. A wait for a
 * connection of a full pool that the database is answering on is an overload, logged as such at most
 * once a minute.
 */
export function noteDatabaseUnreachable(error: unknown, refused = false): void {
	const reason = reasonOf(error);
	if (!outage && POOL_WAIT.test(reason) && poolIsBusy()) return noteOverload(refused);
	if (!outage && Date.now() - recoveredAt < STRAGGLER_MS) {
		log.debug({ reason }, `A request failed as the database came back (${reason})`);
		return;
	}
	if (!outage) {
		outage = { since: Date.now(), refused: 0 };
		log.warn({ reason }, `The database is unreachable (${reason}): requests answer 503 until it is back`);
	} else {
		log.debug({ reason }, `The database is still unreachable (${reason})`);
	}
	if (refused) outage.refused += 1;
}

/** Notes that a connection to the database was made: the end of an outage, if one was noted. */
export function noteDatabaseReachable(): void {
	if (!outage) return;
	const seconds = Math.round((Date.now() - outage.since) / 100) / 10;
	log.info(
		{ downSeconds: seconds, refused: outage.refused },
		`The database is reachable again after ${seconds} s; ${outage.refused} request(s) were answered 503 meanwhile`
	);
	outage = undefined;
	recoveredAt = Date.now();
}
