import { db } from './db.ts';
import { RuleViolation } from './rules.ts';

/**
 * The few columns of the event at `slug` that voting, the leaderboard and the live views need, or a
 * 404 RuleViolation: a draft is invisible to all but its owner.
 */
export async function findEventBySlug(slug: string, viewerId: string | undefined) {
	const event = await db.event.findUnique({
		where: { slug },
		select: { id: true, name: true, slug: true, phase: true, ownerId: true, resultsRevealedAt: true }
	});
	if (!event || (event.phase === 'draft' && event.ownerId !== viewerId)) {
		throw new RuleViolation('Event not found.', 404);
	}
	const { ownerId, resultsRevealedAt, ...rest } = event;
	return { ...rest, isOwner: ownerId === viewerId, revealed: resultsRevealedAt !== null };
}
