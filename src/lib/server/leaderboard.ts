import { defaultDisplayName } from '../display-name.ts';
import type { RankedProject, Turnout } from '../ranking.ts';
import type { EventPhase } from './generated/prisma/client.ts';
import { db } from './db.ts';
import { findEventBySlug, isGoneFor } from './event-access.ts';
import { isUuid } from './ids.ts';
import { announceEventChange } from './live-channel.ts';
import { onForgetResults } from './results/kept.ts';
import { RuleViolation } from './rules.ts';
import { m } from '../paraglide/messages.js';

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

// The public leaderboard of a closed event is read by a whole venue at once and changes only when the
// owner reopens voting: each instance reads it (event and ranking) at most once a second per event, so a
// crowd of viewers costs no database work. Changing the phase is seen within that second; sooner on an
// instance whose live feed is listening, since it forgets the event's entry on every change notice.
const PUBLIC_TTL_MS = 1_000;
const PUBLIC_MAX_ENTRIES = 1_000;

interface PublicBoard {
	event: {
		id: string;
		name: string;
		slug: string;
		phase: EventPhase;
		ownerId: string;
		deletedAt: Date | null;
	};
	ranking?: RankedProject[];
}
const publicBoards = new Map<string, { at: number; eventId?: string; board: Promise<PublicBoard | null> }>();

async function readPublicBoard(slug: string): Promise<PublicBoard | null> {
	const event = await db.event.findUnique({
		where: { slug },
		select: { id: true, name: true, slug: true, phase: true, ownerId: true, deletedAt: true }
	});
	if (!event) return null;
	return { event, ranking: event.phase === 'closed' ? await rankProjects(event.id) : undefined };
}

function cachedPublicBoard(slug: string): Promise<PublicBoard | null> {
	const now = Date.now();
	const cached = publicBoards.get(slug);
	if (cached && now - cached.at < PUBLIC_TTL_MS) return cached.board;
	if (publicBoards.size >= PUBLIC_MAX_ENTRIES) {
		for (const [key, entry] of publicBoards) if (now - entry.at >= PUBLIC_TTL_MS) publicBoards.delete(key);
		if (publicBoards.size >= PUBLIC_MAX_ENTRIES) publicBoards.clear();
	}
	const entry: { at: number; eventId?: string; board: Promise<PublicBoard | null> } = {
		at: now,
		board: readPublicBoard(slug)
	};
	publicBoards.set(slug, entry);
	entry.board.then(
		(board) => (entry.eventId = board?.event.id),
		() => publicBoards.delete(slug)
	);
	return entry.board;
}

/** Drops what this instance remembers of an event's public leaderboard (its ranking or phase changed). */
export function forgetPublicLeaderboard(eventId: string): void {
	for (const [slug, entry] of publicBoards) if (entry.eventId === eventId) publicBoards.delete(slug);
}
// Forgotten with the rest of what is kept of an event's results (results/kept.ts).
onForgetResults(forgetPublicLeaderboard);

/**
 * The leaderboard of the event at `slug` as `viewerId` may see it: public once the event is `closed`,
 * always visible to its owner (fresh, with the turnout). Anyone else gets a 404 for a draft and a 403
 * RuleViolation before voting closes. A soft-deleted event's is a 404 for all but platform admins
 * (`seesDeleted`), owner included.
 */
export async function getLeaderboard(slug: string, viewerId: string | undefined, seesDeleted = false) {
	const board = await cachedPublicBoard(slug);
	if (board && viewerId !== undefined && board.event.ownerId === viewerId) {
		const event = await findEventBySlug(slug, viewerId, seesDeleted);
		const [ranking, turnout] = await Promise.all([rankProjects(event.id), countTurnout(event.id)]);
		return { event, ranking, turnout };
	}
	if (!board || board.event.phase === 'draft' || isGoneFor(board.event, seesDeleted)) {
		throw new RuleViolation(m.server_event_not_found(), 404);
	}
	if (board.event.phase !== 'closed' || !board.ranking) {
		throw new RuleViolation(m.server_results_after_close(), 403);
	}
	const { id, name, phase, deletedAt } = board.event;
	return {
		event: { id, name, slug: board.event.slug, phase, isOwner: false, deleted: deletedAt !== null },
		ranking: board.ranking,
		turnout: undefined
	};
}

/** Shows (or hides again) the ranking on the event's projector view: its owner only. */
export async function setResultsRevealed(ownerId: string, eventId: string, revealed: boolean) {
	if (!isUuid(eventId)) throw new RuleViolation(m.server_event_not_found(), 404);
	const { count } = await db.$transaction(async (tx) => {
		const updated = await tx.event.updateMany({
			where: { id: eventId, ownerId, deletedAt: null },
			data: { resultsRevealedAt: revealed ? new Date() : null }
		});
		if (updated.count > 0) await announceEventChange(tx, eventId);
		return updated;
	});
	if (count === 0) throw new RuleViolation(m.server_results_reveal_owner(), 403);
}
