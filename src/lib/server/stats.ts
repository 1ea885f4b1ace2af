import { db } from './db';

/** Counts shown on the home page: proof that the app reads its database. */
export async function countPlatformTotals() {
	const [events, projects, votes] = await Promise.all([
		db.event.count({ where: { phase: { not: 'draft' } } }),
		db.project.count(),
		db.vote.count()
	]);
	return { events, projects, votes };
}
