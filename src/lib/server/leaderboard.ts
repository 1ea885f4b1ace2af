import { defaultDisplayName } from '../display-name.ts';
import type { RankedProject, Turnout } from '../ranking.ts';
import { db } from './db.ts';
import { findEventBySlug } from './event-access.ts';
import { announceEventChange } from './live-channel.ts';
import { RuleViolation } from './rules.ts';

/** Orders by score (then name, for a stable display) and gives equal scores the same rank. */
export function assignRanks<T extends { score: number; name: string }>(rows: T[]): (T & { rank: number })[] {
	const sorted = [...rows].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
	let rank = 0;
	return sorted.map((row, index) => {
		if (index === 0 || row.score !== sorted[index - 1].score) rank = index + 1;
		return { ...row, rank };
	});
}

/** Every project of the event with its votes, legacy points and score, ranked. */
export async function rankProjects(eventId: string): Promise<RankedProject[]> {
	// One query, whatever the number of projects: counts are grouped in the database.
	const rows = await db.$queryRaw<
		{
			id: string;
			name: string;
			legacy_points: number;
			votes: number;
			team: { display_name: string; first_name: string; last_name: string | null }[];
		}[]
	>`
		SELECT p.id, p.name, p.legacy_points,
			(SELECT count(*)::int FROM votes v WHERE v.project_id = p.id) AS votes,
			(SELECT json_agg(json_build_object(
					'display_name', u.display_name, 'first_name', u.first_name, 'last_name', u.last_name)
					ORDER BY m.is_owner DESC, m.joined_at)
				FROM (SELECT p.owner_id AS user_id, true AS is_owner, p.created_at AS joined_at
					UNION ALL
					SELECT c.user_id, false, c.joined_at FROM project_collaborators c WHERE c.project_id = p.id) AS m
				JOIN users u ON u.id = m.user_id) AS team
		FROM projects p
		WHERE p.event_id = ${eventId}::uuid`;
	return assignRanks(
		rows.map((row) => ({
			id: row.id,
			name: row.name,
			team: row.team.map((u) => u.display_name || defaultDisplayName(u.first_name, u.last_name)),
			votes: row.votes,
			legacyPoints: row.legacy_points,
			score: row.votes + row.legacy_points
		}))
	);
}

/** How many attendees of the event have voted, of how many. */
export async function countTurnout(eventId: string): Promise<Turnout> {
	const rows = await db.$queryRaw<Turnout[]>`
		SELECT (SELECT count(*)::int FROM event_attendees WHERE event_id = ${eventId}::uuid) AS attendees,
			(SELECT count(*)::int FROM event_attendees a
				WHERE a.event_id = ${eventId}::uuid
					AND EXISTS (SELECT 1 FROM votes v WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)) AS voted`;
	return rows[0];
}

// The public leaderboard of a closed event is read by a whole venue at once and changes only if the
// owner reopens voting: each instance computes it at most once a second per event. The phase itself is
// read fresh on every request, so hiding the results again takes effect at once.
const PUBLIC_TTL_MS = 1_000;
const publicRankings = new Map<string, { at: number; ranking: Promise<RankedProject[]> }>();

function rankPublicly(eventId: string): Promise<RankedProject[]> {
	const now = Date.now();
	const cached = publicRankings.get(eventId);
	if (cached && now - cached.at < PUBLIC_TTL_MS) return cached.ranking;
	const ranking = rankProjects(eventId);
	publicRankings.set(eventId, { at: now, ranking });
	ranking.catch(() => publicRankings.delete(eventId));
	for (const [id, entry] of publicRankings) if (now - entry.at >= PUBLIC_TTL_MS) publicRankings.delete(id);
	return ranking;
}

/**
 * The leaderboard of the event at `slug` as `viewerId` may see it: public once the event is `closed`,
 * always visible to its owner (with the turnout). Anyone else before then gets a 403 RuleViolation.
 */
export async function getLeaderboard(slug: string, viewerId: string | undefined) {
	const event = await findEventBySlug(slug, viewerId);
	if (event.isOwner) {
		const [ranking, turnout] = await Promise.all([rankProjects(event.id), countTurnout(event.id)]);
		return { event, ranking, turnout };
	}
	if (event.phase !== 'closed') {
		throw new RuleViolation('The results of this event are published when voting closes.', 403);
	}
	return { event, ranking: await rankPublicly(event.id), turnout: undefined };
}

/** Shows (or hides again) the ranking on the event's projector view: its owner only. */
export async function setResultsRevealed(ownerId: string, eventId: string, revealed: boolean) {
	const { count } = await db.$transaction(async (tx) => {
		const updated = await tx.event.updateMany({
			where: { id: eventId, ownerId },
			data: { resultsRevealedAt: revealed ? new Date() : null }
		});
		if (updated.count > 0) await announceEventChange(tx, eventId);
		return updated;
	});
	if (count === 0) throw new RuleViolation('Only the owner of the event can reveal its results.', 403);
}
