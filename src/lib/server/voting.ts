import type { EventPhase } from './generated/prisma/client.ts';
import { Prisma } from './generated/prisma/client.ts';
import { db } from './db.ts';
import { isUuid } from './ids.ts';
import { LIVE_CHANNEL } from './live-channel.ts';
import { shuffleFor } from './projects.ts';
import { RuleViolation } from './rules.ts';

/** How many projects each attendee picks: 1 below 4 projects, 2 from 4 to 19, 3 from 20. */
export function voteLimitFor(projectCount: number): number {
	if (projectCount < 4) return 1;
	if (projectCount < 20) return 2;
	return 3;
}

const NOT_ATTENDING = 'Only attendees of this event can vote: join the event first.';

function refuseUnlessVoting(phase: EventPhase): void {
	if (phase === 'voting') return;
	if (phase === 'closed')
		throw new RuleViolation('Voting has closed for this event: ballots can no longer change.', 409);
	throw new RuleViolation(
		'Voting has not opened yet for this event: come back when the organisers open it.',
		409
	);
}

/**
 * The ballot of an attendee in `voting`: every project of the event except their own and their teams',
 * in an order shuffled for this voter and stable across visits, with the picks they have made so far.
 */
export async function getBallot(voterId: string, eventId: string) {
	const notMine = {
		eventId,
		ownerId: { not: voterId },
		collaborators: { none: { userId: voterId } }
	} satisfies Prisma.ProjectWhereInput;
	const [event, attendance, projectCount, projects, votes] = await Promise.all([
		db.event.findUnique({ where: { id: eventId }, select: { phase: true } }),
		db.eventAttendee.findUnique({
			where: { eventId_userId: { eventId, userId: voterId } },
			select: { userId: true }
		}),
		db.project.count({ where: { eventId } }),
		db.project.findMany({
			where: notMine,
			select: {
				id: true,
				name: true,
				description: true,
				imageUrl: true,
				demoUrl: true,
				repoUrl: true,
				owner: { select: { displayName: true } },
				collaborators: { select: { user: { select: { displayName: true } } } }
			}
		}),
		db.vote.findMany({ where: { eventId, voterId }, select: { projectId: true } })
	]);
	if (!event) throw new RuleViolation('Event not found.', 404);
	if (!attendance) throw new RuleViolation(NOT_ATTENDING, 403);
	refuseUnlessVoting(event.phase);
	return {
		limit: voteLimitFor(projectCount),
		picks: votes.map((v) => v.projectId),
		projects: shuffleFor(voterId, projects).map(({ owner, collaborators, ...project }) => ({
			...project,
			team: [owner.displayName, ...collaborators.map((c) => c.user.displayName)].filter(Boolean)
		}))
	};
}

// What the database trigger votes_enforce_ballot_rules says when a vote slips past the checks below
// (another ballot of the same voter committed in between): the same refusals, in the voter's words.
const TRIGGER_REFUSALS: Record<string, string> = {
	votes_voter_attends: NOT_ATTENDING,
	votes_not_own_project: "You cannot vote for your own project or your team's.",
	votes_within_limit: 'That ballot has more picks than this event allows.'
};

function refusalOf(error: unknown): RuleViolation | undefined {
	if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
	const text = `${error.message} ${JSON.stringify(error.meta ?? {})}`;
	const constraint = Object.keys(TRIGGER_REFUSALS).find((name) => text.includes(name));
	return constraint ? new RuleViolation(TRIGGER_REFUSALS[constraint], 409) : undefined;
}

const NOT_IN_EVENT = 'One of your picks is not a project of this event. Reload the ballot and pick again.';

/**
 * Records an attendee's ballot: the picks replace any earlier ones in one transaction, all or nothing.
 * Refused with a RuleViolation (nothing recorded) unless the event is in `voting`, the voter attends it,
 * and the picks are distinct projects of the event, none their own or their team's, within the limit.
 * Casting the same ballot again changes nothing.
 */
export function castBallot(voterId: string, eventId: string, projectIds: string[]) {
	if (!isUuid(eventId)) return Promise.reject(new RuleViolation('Event not found.', 404));
	return recordBallot(voterId, { id: eventId }, projectIds);
}

/** castBallot for the event at `slug`, as the ballot form sends it: one query less on the hot path. */
export function castBallotAt(voterId: string, slug: string, projectIds: string[]) {
	return recordBallot(voterId, { slug }, projectIds);
}

async function recordBallot(voterId: string, event: { id: string } | { slug: string }, projectIds: string[]) {
	if (projectIds.length === 0) {
		throw new RuleViolation('Pick at least one project before you send your ballot.');
	}
	if (new Set(projectIds).size !== projectIds.length) {
		throw new RuleViolation('You picked the same project more than once: pick each project at most once.');
	}
	if (!projectIds.every(isUuid) || !isUuid(voterId)) throw new RuleViolation(NOT_IN_EVENT);
	const eventIs = 'id' in event ? Prisma.sql`e.id = ${event.id}::uuid` : Prisma.sql`e.slug = ${event.slug}`;

	try {
		return await db.$transaction(
			async (tx) => {
				// One statement: lock the voter's attendance row, so that this voter's ballots run one after
				// the other (the last one wins, none adds to another), hold the event's phase until commit
				// (closing voting waits for ballots under way), and check the picks against the projects.
				const rows = await tx.$queryRaw<
					{ event_id: string; phase: EventPhase; project_count: number; found: number; own: number }[]
				>`
					SELECT e.id AS event_id, e.phase,
						(SELECT count(*)::int FROM projects WHERE event_id = e.id) AS project_count,
						(SELECT count(*)::int FROM projects p
							WHERE p.event_id = e.id AND p.id = ANY(${projectIds}::uuid[])) AS found,
						(SELECT count(*)::int FROM projects p
							WHERE p.event_id = e.id AND p.id = ANY(${projectIds}::uuid[])
							AND (p.owner_id = a.user_id OR EXISTS (
								SELECT 1 FROM project_collaborators c WHERE c.project_id = p.id AND c.user_id = a.user_id
							))) AS own
					FROM events e JOIN event_attendees a ON a.event_id = e.id AND a.user_id = ${voterId}::uuid
					WHERE ${eventIs}
					FOR UPDATE OF a FOR SHARE OF e`;
				const state = rows[0];
				if (!state) {
					const found = await tx.$queryRaw<{ phase: EventPhase; owner_id: string }[]>`
						SELECT e.phase, e.owner_id FROM events e WHERE ${eventIs}`;
					const visible = found[0] && (found[0].phase !== 'draft' || found[0].owner_id === voterId);
					throw visible ? new RuleViolation(NOT_ATTENDING, 403) : new RuleViolation('Event not found.', 404);
				}
				const eventId = state.event_id;
				refuseUnlessVoting(state.phase);
				if (state.found !== projectIds.length) throw new RuleViolation(NOT_IN_EVENT);
				if (state.own > 0) throw new RuleViolation("You cannot vote for your own project or your team's.");
				const limit = voteLimitFor(state.project_count);
				if (projectIds.length > limit) {
					throw new RuleViolation(
						`You can pick at most ${limit} ${limit === 1 ? 'project' : 'projects'} in this event; you picked ${projectIds.length}.`
					);
				}

				// One statement: picks kept from the last ballot stay as they are (with their time), the others
				// go, the new ones come, and the live views hear of it on commit. The database's AFTER trigger
				// checks the limit once the whole statement is done, deletions included.
				await tx.$queryRaw`
					WITH removed AS (
						DELETE FROM votes
						WHERE event_id = ${eventId}::uuid AND voter_id = ${voterId}::uuid
							AND NOT (project_id = ANY(${projectIds}::uuid[]))
						RETURNING 1
					), added AS (
						INSERT INTO votes (voter_id, project_id, event_id)
						SELECT ${voterId}::uuid, picked, ${eventId}::uuid FROM unnest(${projectIds}::uuid[]) AS picked
						ON CONFLICT (voter_id, project_id) DO NOTHING
						RETURNING 1
					)
					SELECT (SELECT count(*)::int FROM removed) AS removed,
						(SELECT count(*)::int FROM added) AS added,
						(SELECT count(*)::int FROM (SELECT pg_notify(${LIVE_CHANNEL}, ${eventId})) AS n) AS notified`;
				return { picks: projectIds, limit };
			},
			// Under a rush, waiting for a pooled connection is normal; the transaction itself is short.
			{ maxWait: 10_000, timeout: 10_000 }
		);
	} catch (error) {
		throw refusalOf(error) ?? error;
	}
}
