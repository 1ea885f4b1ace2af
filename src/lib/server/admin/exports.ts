import { db } from '../db.ts';
import { rankProjects } from '../leaderboard.ts';
import { toCsv } from './csv.ts';

/**
 * The attendees as CSV: names, email, when they joined and how many votes they cast. Never address,
 * phone or birth date: those stay with the person.
 */
export async function exportAttendeesCsv(eventId: string): Promise<string> {
	const [rows, votes] = await Promise.all([
		db.eventAttendee.findMany({
			where: { eventId },
			select: {
				joinedAt: true,
				user: { select: { id: true, firstName: true, lastName: true, displayName: true, email: true } }
			},
			orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }]
		}),
		db.vote.groupBy({ by: ['voterId'], where: { eventId }, _count: { _all: true } })
	]);
	const votesBy = new Map(votes.map((v) => [v.voterId, v._count._all]));
	return toCsv(
		['First name', 'Last name', 'Display name', 'Email', 'Joined at (UTC)', 'Votes cast'],
		rows.map(({ joinedAt, user }) => [
			user.firstName,
			user.lastName,
			user.displayName,
			user.email,
			joinedAt,
			votesBy.get(user.id) ?? 0
		])
	);
}

/** Every vote of the event as CSV, newest first: when, who, for which project. */
export async function exportVotesCsv(eventId: string): Promise<string> {
	const votes = await db.vote.findMany({
		where: { eventId },
		select: {
			createdAt: true,
			voter: { select: { displayName: true, email: true } },
			project: { select: { id: true, name: true } }
		},
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }]
	});
	return toCsv(
		['Voted at (UTC)', 'Voter', 'Voter email', 'Project', 'Project id'],
		votes.map((vote) => [
			vote.createdAt,
			vote.voter.displayName,
			vote.voter.email,
			vote.project.name,
			vote.project.id
		])
	);
}

/** The ranking as CSV: rank (equal scores share one), project, team, votes, imported points, score. */
export async function exportResultsCsv(eventId: string): Promise<string> {
	const ranking = await rankProjects(eventId);
	return toCsv(
		['Rank', 'Project', 'Team', 'Votes', 'Imported points', 'Score', 'Project id'],
		ranking.map((p) => [p.rank, p.name, p.team.join(', '), p.votes, p.legacyPoints, p.score, p.id])
	);
}
