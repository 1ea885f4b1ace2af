import { db } from './db.ts';
import { log } from './log.ts';
import type { Prisma } from './generated/prisma/client.ts';
import { forgetKeptResults } from './results/kept.ts';

/** The NOTIFY channel that carries "this event's votes, phase or reveal changed" between app instances. */
export const LIVE_CHANNEL = 'podium_live';

/**
 * Tells every app instance on this database that an event's ranking may have changed. Sent inside the
 * writing transaction: PostgreSQL delivers it on commit, and not at all on rollback. For rare changes
 * (phases, reveals, removals); ballots use announceBallot.
 */
export async function announceEventChange(tx: Prisma.TransactionClient, eventId: string): Promise<void> {
	// What this process keeps of the event's results is read again (other instances' within seconds).
	forgetKeptResults(eventId);
	await tx.$queryRaw`SELECT count(*)::int AS sent FROM (SELECT pg_notify(${LIVE_CHANNEL}, ${eventId})) AS n`;
}

/** The live views recompute at most every 500 ms (LiveFeed): more notices than that say nothing new. */
export const BALLOT_NOTICE_INTERVAL_MS = 500;

// A notifying transaction holds one lock of the whole PostgreSQL server from before its commit until
// after its log flush, so a NOTIFY inside every ballot made all ballots commit one after the other.
// Instead the notice goes out after the ballot has committed, in a statement of its own, and this
// process sends at most one per event per interval: the first ballot's at once, and one at the end of
// the interval if more ballots came meanwhile. Events with a notice in the last interval are kept here.
const windows = new Map<string, { more: boolean }>();

async function send(eventId: string) {
	// This process's kept results are read again as soon as other instances hear of the ballots.
	forgetKeptResults(eventId);
	try {
		await db.$queryRaw`SELECT count(*)::int AS sent FROM (SELECT pg_notify(${LIVE_CHANNEL}, ${eventId})) AS n`;
	} catch (error) {
		// The live views catch up with the next notice; the ballot itself is saved.
		log.warn({ err: error }, `Live updates: could not announce a ballot in event ${eventId}`);
	}
}

function openWindow(eventId: string) {
	const span = { more: false };
	windows.set(eventId, span);
	void send(eventId);
	const timer = setTimeout(() => {
		windows.delete(eventId);
		if (span.more) openWindow(eventId);
	}, BALLOT_NOTICE_INTERVAL_MS);
	// A notice still waiting never keeps the process alive on shutdown.
	timer.unref?.();
}

/**
 * Tells every app instance that a ballot was recorded in the event, after its commit: within
 * BALLOT_NOTICE_INTERVAL_MS, coalesced with the other ballots of that event in this process.
 */
export function announceBallot(eventId: string): void {
	const span = windows.get(eventId);
	if (span) span.more = true;
	else openWindow(eventId);
}
