import type { EventPhase } from './generated/prisma/client.ts';
import { db } from './db.ts';
import { RuleViolation } from './rules.ts';

/** Whether `viewerId` may know that the event exists: a draft is invisible to all but its owner. */
export function isVisibleTo(event: { phase: EventPhase; ownerId: string }, viewerId: string | undefined) {
	return event.phase !== 'draft' || event.ownerId === viewerId;
}

/**
 * The few columns of the event at `slug` that voting, the leaderboard and the live views need, or a
 * 404 RuleViolation: a draft is invisible to all but its owner.
 */
export async function findEventBySlug(slug: string, viewerId: string | undefined) {
	const event = await db.event.findUnique({
		where: { slug },
		select: { id: true, name: true, slug: true, phase: true, ownerId: true, resultsRevealedAt: true }
	});
	if (!event || !isVisibleTo(event, viewerId)) {
		throw new RuleViolation('Event not found.', 404);
	}
	const { ownerId, resultsRevealedAt, ...rest } = event;
	return { ...rest, isOwner: ownerId === viewerId, revealed: resultsRevealedAt !== null };
}
