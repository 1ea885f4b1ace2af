import { db } from '../db.ts';
import type { EventPhase, Prisma } from '../generated/prisma/client.ts';
import { announceEventChange } from '../live-channel.ts';
import { normaliseEmail } from '../auth/sign-in-links.ts';
import { isUuid } from '../ids.ts';
import { RuleViolation } from '../rules.ts';
import { voteLimitFor } from '../voting.ts';
import type { Actor } from '../admin/access.ts';
import { recordPlatformAction } from './audit.ts';
import { eraseIdentity } from './deletion.ts';
import { fingerprintOf } from './fingerprint.ts';
import { resolveMerge, type MergeInputs } from './merge-plan.ts';
import { whereVotesOf } from './votes-of.ts';
import { m } from '../../paraglide/messages.js';

// Merging a duplicate account into the account a person keeps. The plan (what moves, what is dropped,
// which published results change) is worked out by resolveMerge from both accounts' rows, shown on a
// confirmation page, and carried out only if the rows are still those the admin saw.

type Client = Prisma.TransactionClient;

const personSelect = {
	id: true,
	email: true,
	displayName: true,
	deletedAt: true,
	platformAdminSince: true
} as const;

/** Both accounts' rows that a merge touches: a fixed number of queries, whatever the accounts hold. */
async function readInputs(client: Client, duplicateId: string, keptId: string): Promise<MergeInputs> {
	const both = [duplicateId, keptId];
	const event = { select: { name: true, phase: true } } as const;
	const [attendances, projects, teams, votes, referrals, events, sessions] = await Promise.all([
		client.eventAttendee.findMany({
			where: { userId: { in: both } },
			select: { eventId: true, userId: true, joinedAt: true, ballotSavedAt: true, event },
			orderBy: [{ eventId: 'asc' }, { userId: 'asc' }]
		}),
		client.project.findMany({
			where: { ownerId: { in: both } },
			select: { id: true, name: true, eventId: true, ownerId: true, event },
			orderBy: { id: 'asc' }
		}),
		client.projectCollaborator.findMany({
			where: { userId: { in: both } },
			select: {
				projectId: true,
				userId: true,
				project: { select: { name: true, ownerId: true, eventId: true } }
			},
			orderBy: [{ projectId: 'asc' }, { userId: 'asc' }]
		}),
		whereVotesOf(client, both).then((where) =>
			client.vote.findMany({
				where,
				select: {
					id: true,
					voterId: true,
					projectId: true,
					eventId: true,
					project: { select: { name: true } },
					event
				},
				orderBy: { id: 'asc' }
			})
		),
		client.referral.findMany({
			where: { userId: { in: both } },
			select: { id: true, userId: true, eventId: true, content: true },
			orderBy: { id: 'asc' }
		}),
		client.event.findMany({
			where: { ownerId: duplicateId },
			select: { id: true, name: true, deletedAt: true },
			orderBy: { id: 'asc' }
		}),
		client.session.count({ where: { userId: duplicateId } })
	]);
	const votedEvents = [...new Set(votes.map((v) => v.eventId))];
	const projectCounts = await client.project.groupBy({
		by: ['eventId'],
		where: { eventId: { in: votedEvents } },
		_count: { _all: true }
	});
	return {
		duplicateId,
		keptId,
		attendances: attendances.map(({ event: e, ...a }) => ({ ...a, eventName: e.name, phase: e.phase })),
		projects: projects.map(({ event: e, ...p }) => ({ ...p, eventName: e.name, phase: e.phase })),
		teams: teams.map((t) => ({
			projectId: t.projectId,
			userId: t.userId,
			projectName: t.project.name,
			...t.project
		})),
		votes: votes.map((v) => ({
			id: v.id,
			voterId: v.voterId,
			projectId: v.projectId,
			projectName: v.project.name,
			eventId: v.eventId,
			eventName: v.event.name,
			phase: v.event.phase as EventPhase
		})),
		voteLimits: Object.fromEntries(projectCounts.map((c) => [c.eventId, voteLimitFor(c._count._all)])),
		referrals,
		events,
		sessions
	};
}

async function findKept(client: Client, duplicate: { id: string; email: string }, keepEmail: string) {
	const email = normaliseEmail(keepEmail);
	if (email === duplicate.email) {
		throw new RuleViolation(m.people_merge_same(), 400);
	}
	const kept = await client.user.findUnique({ where: { email }, select: personSelect });
	if (!kept) throw new RuleViolation(m.people_merge_no_account({ email }), 404);
	if (kept.deletedAt) throw new RuleViolation(m.people_merge_into_deleted({ email }), 409);
	return kept;
}

async function findDuplicate(client: Client, id: string) {
	const duplicate = isUuid(id) ? await client.user.findUnique({ where: { id }, select: personSelect }) : null;
	if (!duplicate) throw new RuleViolation(m.people_nobody_with_id(), 404);
	if (duplicate.deletedAt) throw new RuleViolation(m.people_merge_deleted(), 409);
	return duplicate;
}

async function plan(client: Client, duplicateId: string, keepEmail: string) {
	const duplicate = await findDuplicate(client, duplicateId);
	const kept = await findKept(client, duplicate, keepEmail);
	const inputs = await readInputs(client, duplicate.id, kept.id);
	const effect = resolveMerge(inputs);
	return {
		duplicate,
		kept,
		effect,
		fingerprint: fingerprintOf({ duplicate, kept, inputs })
	};
}

/** What merging the account `duplicateId` into the account at `keepEmail` would do, for the confirmation. */
export async function planMerge(duplicateId: string, keepEmail: string) {
	const { duplicate, kept, effect, fingerprint } = await plan(db, duplicateId, keepEmail);
	return {
		duplicate: { id: duplicate.id, email: duplicate.email },
		kept: { id: kept.id, email: kept.email },
		effect,
		fingerprint
	};
}

/**
 * Merges the duplicate into the kept account as the confirmation with `fingerprint` showed, in one
 * transaction with its audit row; the duplicate is then deleted (erased, sessions ended). Refused, with
 * nothing changed: merging an account into itself, into an unknown or deleted account, merging away one's
 * own account, a conflict the merge cannot resolve, or a confirmation older than the data.
 */
export async function mergePeople(
	actor: Actor,
	duplicateId: string,
	keepEmail: string,
	fingerprint: string,
	now = new Date()
) {
	return db.$transaction(async (tx) => {
		if (isUuid(duplicateId)) {
			const keptEmail = normaliseEmail(keepEmail);
			// Lock both accounts and their attendances: ballots being cast for either wait for the merge.
			await tx.$queryRaw`SELECT id FROM users WHERE id = ${duplicateId}::uuid OR email = ${keptEmail} ORDER BY id FOR UPDATE`;
			await tx.$queryRaw`SELECT a.event_id FROM event_attendees a JOIN users u ON u.id = a.user_id
				WHERE u.id = ${duplicateId}::uuid OR u.email = ${keptEmail} ORDER BY a.event_id, a.user_id FOR UPDATE OF a`;
		}
		const { duplicate, kept, effect, fingerprint: current } = await plan(tx, duplicateId, keepEmail);
		if (duplicate.id === actor.id) {
			throw new RuleViolation(m.people_merge_self(), 403);
		}
		if (effect.blockers.length > 0) throw new RuleViolation(effect.blockers.join(' '), 409);
		if (current !== fingerprint) {
			throw new RuleViolation(m.people_merge_stale(), 409);
		}
		const D = duplicate.id;
		const K = kept.id;
		const ids = <T extends { id: string }>(rows: T[]) => rows.map((r) => r.id);

		// 1. Votes that would break a rule after the merge go first.
		const dropped = [...effect.votes.sameProject, ...effect.votes.ownProject, ...effect.votes.overLimit];
		await tx.vote.deleteMany({ where: { id: { in: ids(dropped) } } });
		// 2. Team places that would repeat, or make an owner their own teammate.
		for (const row of effect.teams.dropped) {
			await tx.projectCollaborator.delete({
				where: { projectId_userId: { projectId: row.projectId, userId: row.userId } }
			});
		}
		// 3. Attendances: one per event (earliest join, latest ballot), then the rest move.
		// A ballot voided for either account stays voided for the merged one (no second vote that way).
		await tx.$executeRaw`UPDATE event_attendees k
			SET joined_at = LEAST(k.joined_at, d.joined_at), ballot_saved_at = GREATEST(k.ballot_saved_at, d.ballot_saved_at),
				ballot_voided_at = COALESCE(k.ballot_voided_at, d.ballot_voided_at)
			FROM event_attendees d WHERE k.user_id = ${K}::uuid AND d.user_id = ${D}::uuid AND d.event_id = k.event_id`;
		// What the duplicate's ballots showed there stays on record as shown to the person kept (the first
		// showing wins; never their own team's projects), and their design row where K has none: the
		// duplicate's rows would otherwise go with its attendance (moved attendances carry theirs along).
		const combined = effect.attendances.combined.map((a) => a.eventId);
		await tx.$executeRaw`INSERT INTO ballot_impressions AS k (event_id, voter_id, project_id, position, shown_at)
			SELECT d.event_id, ${K}::uuid, d.project_id, d.position, d.shown_at FROM ballot_impressions d
			WHERE d.voter_id = ${D}::uuid AND d.event_id = ANY(${combined}::uuid[])
				AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_id AND p.owner_id IN (${K}::uuid, ${D}::uuid))
				AND NOT EXISTS (SELECT 1 FROM project_collaborators c
					WHERE c.project_id = d.project_id AND c.user_id IN (${K}::uuid, ${D}::uuid))
			ON CONFLICT (event_id, voter_id, project_id) DO UPDATE
			SET position = CASE WHEN EXCLUDED.shown_at < k.shown_at THEN EXCLUDED.position ELSE k.position END,
				shown_at = LEAST(k.shown_at, EXCLUDED.shown_at)`;
		await tx.$executeRaw`INSERT INTO ballot_assignments (event_id, voter_id, design_row, shortlist_size, assigned_at)
			SELECT event_id, ${K}::uuid, design_row, shortlist_size, assigned_at FROM ballot_assignments
			WHERE voter_id = ${D}::uuid AND event_id = ANY(${combined}::uuid[])
			ON CONFLICT (event_id, voter_id) DO NOTHING`;
		// The duplicate's voided ballots become the kept account's, unless it has its own in that event.
		await tx.$executeRaw`UPDATE voided_ballots d SET voter_id = ${K}::uuid
			WHERE d.voter_id = ${D}::uuid AND NOT EXISTS (
				SELECT 1 FROM voided_ballots k WHERE k.voter_id = ${K}::uuid AND k.event_id = d.event_id)`;
		await tx.eventAttendee.deleteMany({ where: { userId: D, eventId: { in: combined } } });
		await tx.eventAttendee.updateMany({ where: { userId: D }, data: { userId: K } });
		// 4. Projects, team places, votes, referrals and events move.
		await tx.project.updateMany({ where: { ownerId: D }, data: { ownerId: K } });
		await tx.projectCollaborator.updateMany({ where: { userId: D }, data: { userId: K } });
		await tx.vote.updateMany({ where: { id: { in: ids(effect.votes.moved) } }, data: { voterId: K } });
		await tx.referral.deleteMany({ where: { id: { in: ids(effect.referrals.dropped) } } });
		await tx.referral.updateMany({ where: { userId: D }, data: { userId: K } });
		await tx.event.updateMany({ where: { ownerId: D }, data: { ownerId: K } });
		// 5. The duplicate is deleted: erased, signed out everywhere.
		const erased = await eraseIdentity(tx, D, now);
		for (const eventId of new Set(dropped.map((v) => v.eventId))) await announceEventChange(tx, eventId);

		const counts = summarise(effect);
		await recordPlatformAction(tx, {
			actor,
			action: 'people_merged',
			// i18n-ignore: a stored audit record
			summary: `Merged ${duplicate.email} into ${kept.email}: ${counts.moved}; dropped ${counts.dropped}; the duplicate is deleted.`,
			targetUserId: K,
			details: {
				duplicateUserId: D,
				duplicateEmail: duplicate.email,
				keptUserId: K,
				keptEmail: kept.email,
				sessionsEnded: erased.sessions,
				droppedVotes: dropped.map((v) => ({
					id: v.id,
					voterId: v.voterId,
					projectId: v.projectId,
					eventId: v.eventId,
					reason: v.reason
				})),
				droppedTeamPlaces: effect.teams.dropped,
				droppedReferrals: effect.referrals.dropped.map((r) => ({
					id: r.id,
					eventId: r.eventId,
					content: r.content
				})),
				votesLeftWithDuplicate: ids(effect.votes.staying),
				publishedResultsChanged: effect.publishedChanges,
				counts: effect.counts
			}
		});
		return { kept: { id: K, email: kept.email }, duplicateEmail: duplicate.email, ...counts };
	});
}

function summarise(effect: ReturnType<typeof resolveMerge>) {
	const c = effect.counts;
	return {
		moved: `${c.attendancesMoved + c.attendancesCombined} attendance(s), ${c.projectsMoved} project(s), ${c.teamsMoved} team place(s), ${c.votesMoved} vote(s), ${c.referralsMoved} referral answer(s), ${c.eventsMoved} event(s)`,
		dropped: `${c.votesDropped} vote(s), ${c.teamsDropped} team place(s), ${c.referralsDropped} referral answer(s)`
	};
}
