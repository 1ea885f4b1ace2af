import type { EventPhase } from './generated/prisma/client.ts';
import { db } from './db.ts';
import { RuleViolation } from './rules.ts';
import { m } from '../paraglide/messages.js';

/** Whether `viewerId` may know that the event exists: a draft is invisible to all but its owner. */
export function isVisibleTo(event: { phase: EventPhase; ownerId: string }, viewerId: string | undefined) {
	return event.phase !== 'draft' || event.ownerId === viewerId;
}

/**
 * Whether a soft-deleted event stays visible: only to platform admins (who see it marked as deleted).
 * For everyone else, owner included, it is as if it did not exist.
 */
export function isGoneFor(event: { deletedAt: Date | null }, seesDeleted: boolean) {
	return event.deletedAt !== null && !seesDeleted;
}

/**
 * The few columns of the event at `slug` that voting, the leaderboard and the live views need, or a
 * 404 RuleViolation: a draft is invisible to all but its owner, a soft-deleted event to all but
 * platform admins (`seesDeleted`).
 */
export async function findEventBySlug(slug: string, viewerId: string | undefined, seesDeleted = false) {
	const event = await db.event.findUnique({
		where: { slug },
		select: {
			id: true,
			name: true,
			slug: true,
			phase: true,
			ownerId: true,
			resultsRevealedAt: true,
			deletedAt: true,
			// The ballot page counts down to a scheduled close.
			votingClosesAt: true,
			timeZone: true
		}
	});
	if (!event || isGoneFor(event, seesDeleted) || !isVisibleTo(event, viewerId)) {
		throw new RuleViolation(m.server_event_not_found(), 404);
	}
	const { ownerId, resultsRevealedAt, deletedAt, ...rest } = event;
	return {
		...rest,
		isOwner: ownerId === viewerId,
		revealed: resultsRevealedAt !== null,
		deleted: deletedAt !== null
	};
}
