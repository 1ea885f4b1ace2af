import { db } from '../db.ts';
import { lockOwnedEvent, type Actor } from '../admin/access.ts';
import { recordAuditEntry } from '../admin/audit.ts';
import { announceEventChange } from '../live-channel.ts';
import { RuleViolation } from '../rules.ts';
import { receiptOf } from './receipt-code.ts';
import { forgetKeptResults } from './kept.ts';
import { m } from '../../paraglide/messages.js';

/**
 * Voids a voter's ballot in the event, as its owner (or a platform admin) on the integrity review page:
 * in one transaction, moves their votes out of `votes` into voided_ballots (who, when, why, the picks),
 * which takes their receipt out of the counted ones, marks the attendance so that cast_ballot refuses their further ballots, and writes
 * the event's audit log. Nothing is voided but by this call: the integrity signals only suggest.
 */
export async function voidBallot(actor: Actor, eventId: string, voterId: string, reason: string) {
	const trimmed = reason.trim();
	if (trimmed.length < 3) throw new RuleViolation(m.server_void_reason_required());
	const voided = await db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		if (event.phase !== 'voting' && event.phase !== 'closed') {
			throw new RuleViolation(m.server_void_not_open(), 409);
		}
		// Locks the attendance as cast_ballot does: no ballot of theirs is saved while this runs.
		const attendance = await tx.$queryRaw<
			{ saved_at: Date | null; voided_at: Date | null; display_name: string }[]
		>`
			SELECT a.ballot_saved_at AS saved_at, a.ballot_voided_at AS voided_at, u.display_name
			FROM event_attendees a JOIN users u ON u.id = a.user_id
			WHERE a.event_id = ${eventId}::uuid AND a.user_id = ${voterId}::uuid
			FOR UPDATE OF a`;
		if (attendance.length === 0) throw new RuleViolation(m.server_void_not_attendee(), 404);
		const { saved_at: castAt, voided_at, display_name: voterName } = attendance[0];
		if (voided_at) throw new RuleViolation(m.server_void_already({ name: voterName }), 409);
		const votes = await tx.vote.findMany({
			where: { eventId, voterId },
			select: { projectId: true, createdAt: true, project: { select: { name: true } } },
			orderBy: { projectId: 'asc' }
		});
		if (votes.length === 0) throw new RuleViolation(m.server_void_no_ballot({ name: voterName }), 404);
		const picks = votes.map((v) => ({
			projectId: v.projectId,
			projectName: v.project.name,
			votedAt: v.createdAt.toISOString()
		}));
		// The receipt the voter got for it, kept with the void (no longer listed among the counted ones).
		const receipt = await receiptOf(
			eventId,
			voterId,
			votes.map((v) => v.projectId),
			castAt
		);

		await tx.vote.deleteMany({ where: { eventId, voterId } });
		await tx.voidedBallot.create({
			data: {
				eventId,
				voterId,
				voidedById: actor.id,
				voidedByName: `${actor.displayName} <${actor.email}>`,
				reason: trimmed,
				picks,
				receipt,
				castAt
			}
		});
		await tx.eventAttendee.update({
			where: { eventId_userId: { eventId, userId: voterId } },
			data: { ballotVoidedAt: new Date() }
		});
		const closed = event.phase === 'closed';
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'ballot_voided',
			// i18n-ignore: the audit record is stored, and read by every owner in one language
			summary: `Voided the ballot of ${voterName} (${picks.length} ${picks.length === 1 ? 'vote' : 'votes'})${closed ? ' after voting closed' : ''}: ${trimmed}`,
			details: { voterId, reason: trimmed, receipt, picks, castAt: castAt?.toISOString() ?? null }
		});
		// The live ranking and every other reader of `votes` see the ballot gone once this commits.
		await announceEventChange(tx, eventId);
		return { voterName, votes: picks.length };
	});
	// This process's published board and kept results too, at once (the others drop theirs on the notice).
	forgetKeptResults(eventId);
	return voided;
}

/** The ballots voided in the event, newest first, for the review page. */
export async function listVoidedBallots(eventId: string) {
	const rows = await db.voidedBallot.findMany({
		where: { eventId },
		select: {
			voterId: true,
			reason: true,
			voidedByName: true,
			picks: true,
			createdAt: true,
			voter: { select: { displayName: true } }
		},
		orderBy: { createdAt: 'desc' }
	});
	return rows.map((row) => ({
		voterId: row.voterId,
		voterName: row.voter.displayName,
		reason: row.reason,
		voidedBy: row.voidedByName.replace(/ <[^>]*>$/, ''),
		voidedAt: row.createdAt,
		picks: (row.picks as { projectName: string }[]).map((p) => p.projectName)
	}));
}
