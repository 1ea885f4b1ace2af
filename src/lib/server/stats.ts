import { db } from './db';

/**
 * Counts shown on the home page: proof that the app reads its database. Soft-deleted events, and the
 * projects and votes in them, are left out.
 */
export async function countPlatformTotals() {
	const inDeleted = { event: { deletedAt: { not: null } } } as const;
	// All votes less those of the (few) deleted events: cheaper than joining a million votes to events.
	const [events, projects, votes, deletedVotes] = await Promise.all([
		db.event.count({ where: { phase: { not: 'draft' }, deletedAt: null } }),
		db.project.count({ where: { event: { deletedAt: null } } }),
		db.vote.count(),
		db.vote.count({ where: inDeleted })
	]);
	return { events, projects, votes: votes - deletedVotes };
}
