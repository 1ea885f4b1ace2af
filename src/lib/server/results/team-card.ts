import { db } from '../db.ts';
import { countTurnout, rankProjects } from '../leaderboard.ts';

// The results card a team sees on its project page once voting has closed (issue 15 item 6): where the
// project ended up, from what, and how many voters had the chance to pick it.

/** "1st", "2nd", "3rd", "11th", "22nd", ... */
export function ordinal(n: number): string {
	const tens = n % 100;
	const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
	return `${n}${suffix}`;
}

/**
 * The results of `projectId` for its owner or a collaborator once its event is `closed`: rank (shared
 * with how many), votes, legacy points, how many voters' ballots showed it, and the event's turnout.
 * Null for anyone else, before the event closes, or for a deleted event.
 */
export async function getTeamResultsCard(projectId: string, viewerId: string | undefined) {
	if (!viewerId) return null;
	const project = await db.project.findUnique({
		where: { id: projectId },
		select: {
			eventId: true,
			ownerId: true,
			collaborators: { where: { userId: viewerId }, select: { userId: true } },
			event: { select: { phase: true, deletedAt: true } }
		}
	});
	if (!project || project.event.phase !== 'closed' || project.event.deletedAt) return null;
	if (project.ownerId !== viewerId && project.collaborators.length === 0) return null;

	const [ranking, turnout, shownTo] = await Promise.all([
		rankProjects(project.eventId),
		countTurnout(project.eventId),
		db.ballotImpression.count({ where: { projectId } })
	]);
	const mine = ranking.find((row) => row.id === projectId);
	if (!mine) return null;
	const sharing = ranking.filter((row) => row.rank === mine.rank).length;
	return {
		rank: mine.rank,
		rankLabel: sharing > 1 ? `Tied ${ordinal(mine.rank)}` : ordinal(mine.rank),
		tiedWith: sharing - 1,
		projects: ranking.length,
		votes: mine.votes,
		legacyPoints: mine.legacyPoints,
		score: mine.score,
		shownTo,
		turnout
	};
}
