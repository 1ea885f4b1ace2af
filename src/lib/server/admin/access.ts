import { db } from '../db.ts';
import type { EventPhase, Prisma } from '../generated/prisma/client.ts';
import { RuleViolation } from '../rules.ts';
import { isVisibleTo } from '../event-access.ts';

/** The event fields every admin page needs. */
export interface OwnedEvent {
	id: string;
	name: string;
	slug: string;
	phase: EventPhase;
	joinCode: string;
}

/** Who acts on the admin pages: the signed-in owner, as the audit log records them. */
export interface Actor {
	id: string;
	displayName: string;
	email: string;
}

const ownedEventSelect = {
	id: true,
	name: true,
	slug: true,
	phase: true,
	joinCode: true,
	ownerId: true
} as const;

function checkOwner(event: (OwnedEvent & { ownerId: string }) | null, userId: string): OwnedEvent {
	// A draft is invisible to everyone but its owner, so a stranger learns nothing, not even that it exists.
	if (!event || !isVisibleTo(event, userId)) {
		throw new RuleViolation('Event not found.', 404);
	}
	if (event.ownerId !== userId) {
		throw new RuleViolation('Only the owner of this event can use its admin pages.', 403);
	}
	return { id: event.id, name: event.name, slug: event.slug, phase: event.phase, joinCode: event.joinCode };
}

/** The event at `slug` if `userId` owns it; otherwise a RuleViolation (403, or 404 for a draft). */
export async function findOwnedEvent(userId: string, slug: string): Promise<OwnedEvent> {
	const event = await db.event.findUnique({ where: { slug }, select: ownedEventSelect });
	return checkOwner(event, userId);
}

/**
 * The same check by id inside a write's transaction: every admin change re-checks ownership where it
 * writes, so that a route which forgot its guard still changes nothing for anyone else.
 */
export async function lockOwnedEvent(
	tx: Prisma.TransactionClient,
	userId: string,
	eventId: string
): Promise<OwnedEvent> {
	const event = await tx.event.findUnique({ where: { id: eventId }, select: ownedEventSelect });
	return checkOwner(event, userId);
}
