import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { announceEventChange } from '../live-channel.ts';
import { RuleViolation } from '../rules.ts';
import { recordPlatformAction, type PlatformActor } from './audit.ts';
import {
	findEventById,
	findEventByRef,
	findPersonByEmail,
	findPersonById,
	findProjectByRef,
	lockAttendance,
	named
} from './fix-targets.ts';
import { m } from '../../paraglide/messages.js';

// Data fixes that change scores, made by a platform admin on /admin/fixes: a project's legacy points and
// a voter's ballot. Each is one transaction with its audit row in it, and is refused if what the
// confirmation showed changed meanwhile.

/** The project whose join code or id was typed, with its current legacy points, for the form. */
export async function describeLegacyPoints(projectRef: string) {
	return findProjectByRef(db, projectRef);
}

/** Sets a project's legacy points; refused if they are no longer `from` (the value the form showed). */
export async function setLegacyPointsByAdmin(
	actor: PlatformActor,
	input: { projectId: string; from: number; points: number; reason: string }
) {
	return db.$transaction(async (tx) => {
		const project = await findProjectByRef(tx, input.projectId);
		if (input.points === input.from) {
			throw new RuleViolation(m.people_points_unchanged({ project: project.name, points: input.from }));
		}
		// The conditional update is the check: a change made since the form was shown refuses this one.
		const { count } = await tx.project.updateMany({
			where: { id: project.id, legacyPoints: input.from },
			data: { legacyPoints: input.points }
		});
		if (!count) {
			throw new RuleViolation(
				m.people_points_changed({ project: project.name, now: project.legacyPoints, from: input.from }),
				409
			);
		}
		await announceEventChange(tx, project.event.id);
		await recordPlatformAction(tx, {
			actor,
			action: 'legacy_points_adjusted',
			// i18n-ignore: a stored audit record
			summary: `Set the legacy points of ${project.name} (${project.event.name}) from ${input.from} to ${input.points}.`,
			reason: input.reason,
			targetEventId: project.event.id,
			details: {
				projectId: project.id,
				projectName: project.name,
				eventName: project.event.name,
				old: input.from,
				new: input.points
			}
		});
		return { project, from: input.from, to: input.points };
	});
}

type Client = Prisma.TransactionClient;

async function ballotOf(tx: Client, eventId: string, voterId: string) {
	const votes = await tx.vote.findMany({
		where: { eventId, voterId },
		select: { projectId: true, createdAt: true, project: { select: { name: true } } },
		orderBy: { projectId: 'asc' }
	});
	return votes.map((vote) => ({
		projectId: vote.projectId,
		projectName: vote.project.name,
		votedAt: vote.createdAt
	}));
}

/** The voted-for project ids, as the confirmation form carries them back. */
export function ballotFingerprint(votes: { projectId: string }[]): string {
	return votes.map((vote) => vote.projectId).join(',');
}

/**
 * The voter's ballot in the event, for the confirmation: which projects they voted for, when it was
 * saved, and whether the event is closed (then voiding it changes published results).
 */
export async function describeBallot(eventRef: string, email: string) {
	const event = await findEventByRef(db, eventRef);
	const person = await findPersonByEmail(db, email);
	const attendance = await db.eventAttendee.findUnique({
		where: { eventId_userId: { eventId: event.id, userId: person.id } },
		select: { ballotSavedAt: true }
	});
	const votes = await ballotOf(db, event.id, person.id);
	if (!votes.length && !attendance?.ballotSavedAt) {
		throw new RuleViolation(m.people_no_ballot({ email: person.email, event: event.name }), 404);
	}
	return {
		event,
		person,
		votes,
		savedAt: attendance?.ballotSavedAt ?? null,
		closed: event.phase === 'closed',
		fingerprint: ballotFingerprint(votes)
	};
}

/**
 * Voids one voter's ballot in an event: deletes their votes there, clears the attendance's
 * ballot_saved_at and forgets their ballot devices. Refused if the ballot changed since the confirmation
 * (`seenVotes`, `seenSavedAt`) or there is none.
 */
export async function voidBallotByAdmin(
	actor: PlatformActor,
	input: { eventId: string; userId: string; seenVotes: string; seenSavedAt: string; reason: string }
) {
	return db.$transaction(async (tx) => {
		const event = await findEventById(tx, input.eventId);
		const person = await findPersonById(tx, input.userId);
		// Locks the attendance as cast_ballot does: no ballot of theirs is saved while this runs.
		const attendance = await lockAttendance(tx, event.id, person.id);
		const votes = await ballotOf(tx, event.id, person.id);
		const savedAt = attendance?.ballotSavedAt ?? null;
		if (!votes.length && !savedAt) {
			throw new RuleViolation(m.people_no_ballot_any_more({ email: person.email, event: event.name }), 404);
		}
		if (
			ballotFingerprint(votes) !== input.seenVotes ||
			(savedAt?.toISOString() ?? '') !== input.seenSavedAt
		) {
			throw new RuleViolation(m.people_ballot_changed({ email: person.email }), 409);
		}
		const { count } = await tx.vote.deleteMany({ where: { eventId: event.id, voterId: person.id } });
		if (attendance) {
			await tx.eventAttendee.update({
				where: { eventId_userId: { eventId: event.id, userId: person.id } },
				// The receipt goes with the ballot (it is made from the picks and this time): it no longer
				// stands for a counted one.
				data: { ballotSavedAt: null }
			});
			await tx.ballotDevice.deleteMany({ where: { eventId: event.id, voterId: person.id } });
		}
		await announceEventChange(tx, event.id);
		const closed = event.phase === 'closed';
		await recordPlatformAction(tx, {
			actor,
			action: 'ballot_voided',
			summary: `Voided the ballot of ${named(person)} in ${event.name}: ${count} vote(s) deleted${closed ? ' after the results were published' : ''}.`,
			reason: input.reason,
			targetUserId: person.id,
			targetEventId: event.id,
			details: {
				eventName: event.name,
				phase: event.phase,
				closed,
				votes: votes.map(({ projectId, projectName }) => ({ projectId, projectName })),
				ballotSavedAt: savedAt?.toISOString() ?? null
			}
		});
		return { event, person, votes: count, closed };
	});
}
