import type { Prisma } from './generated/prisma/client.ts';

/** The NOTIFY channel that carries "this event's votes, phase or reveal changed" between app instances. */
export const LIVE_CHANNEL = 'podium_live';

/**
 * Tells every app instance on this database that an event's ranking may have changed. Sent inside the
 * writing transaction: PostgreSQL delivers it on commit, and not at all on rollback.
 */
export async function announceEventChange(tx: Prisma.TransactionClient, eventId: string): Promise<void> {
	await tx.$queryRaw`SELECT count(*)::int AS sent FROM (SELECT pg_notify(${LIVE_CHANNEL}, ${eventId})) AS n`;
}
