import { db } from '../db.ts';
import type { EventPhase, Prisma } from '../generated/prisma/client.ts';
import { RuleViolation } from '../rules.ts';
import { isVisibleTo } from '../event-access.ts';
import { m } from '../../paraglide/messages.js';

/** The event fields every admin page needs. */
export interface OwnedEvent {
	id: string;
	name: string;
	slug: string;
	phase: EventPhase;
	joinCode: string;
	/** The event's IANA time zone: admin pages and CSV files show times in it. */
	timeZone: string;
	/** Whether the visitor is a platform admin on someone else's event (the pages say so). */
	asPlatformAdmin?: boolean;
	/** Soft-deleted by a platform admin (only platform admins still reach such an event). */
	deleted?: boolean;
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
	timeZone: true,
	ownerId: true,
	deletedAt: true
} as const;

/** Who asks for an event's owner pages: platform admins may open every event's, as themselves. */
export interface OwnerPagesVisitor {
	id: string;
	isPlatformAdmin: boolean;
}

type OwnedEventRow = OwnedEvent & { ownerId: string; deletedAt: Date | null };

function checkOwner(event: OwnedEventRow | null, visitor: OwnerPagesVisitor): OwnedEvent {
	if (!visitor.isPlatformAdmin) {
		// A draft is invisible to everyone but its owner, so a stranger learns nothing, not even that it
		// exists; a deleted event is gone for everyone but platform admins.
		if (!event || event.deletedAt || !isVisibleTo(event, visitor.id)) {
			throw new RuleViolation(m.server_event_not_found(), 404);
		}
		if (event.ownerId !== visitor.id) {
			throw new RuleViolation(m.server_admin_owner_only(), 403);
		}
	} else if (!event) {
		throw new RuleViolation(m.server_event_not_found(), 404);
	}
	return {
		id: event.id,
		name: event.name,
		slug: event.slug,
		phase: event.phase,
		joinCode: event.joinCode,
		timeZone: event.timeZone,
		asPlatformAdmin: event.ownerId !== visitor.id,
		deleted: event.deletedAt !== null
	};
}

/** The event at `slug` if `visitor` owns it or is a platform admin; otherwise a RuleViolation (403, or 404). */
export async function findOwnedEvent(visitor: OwnerPagesVisitor, slug: string): Promise<OwnedEvent> {
	const event = await db.event.findUnique({ where: { slug }, select: ownedEventSelect });
	return checkOwner(event, visitor);
}

/**
 * The same check by id inside a write's transaction: every admin change re-checks ownership (or the
 * platform admin role, read again here) where it writes, so that a route which forgot its guard still
 * changes nothing for anyone else.
 */
export async function lockOwnedEvent(
	tx: Prisma.TransactionClient,
	userId: string,
	eventId: string
): Promise<OwnedEvent> {
	const event = await tx.event.findUnique({ where: { id: eventId }, select: ownedEventSelect });
	const user = await tx.user.findUnique({ where: { id: userId }, select: { platformAdminSince: true } });
	return checkOwner(event, { id: userId, isPlatformAdmin: Boolean(user?.platformAdminSince) });
}
