import { db } from '../db.ts';
import type { EventPhase, Prisma } from '../generated/prisma/client.ts';
import type { Actor, OwnedEvent } from './access.ts';
import { pageOf, type PageRequest } from './paging.ts';

export type AuditAction =
	| 'phase_changed'
	| 'join_code_regenerated'
	| 'attendee_removed'
	| 'project_removed'
	| 'settings_changed'
	| 'event_deleted'
	| 'ballot_voided'
	| 'sign_in_code_issued'
	| 'sign_in_code_used'
	| 'schedule_changed'
	| 'scheduled_change_skipped'
	| 'voting_reminders_sent';

/** How the audit log names work that nobody did by hand at that moment (the voting reminder). */
export const SCHEDULER_ACTOR_NAME = 'Podium (scheduled)';

/** Writes one audit-log row, inside the transaction of the change it records. */
export async function recordAuditEntry(
	tx: Prisma.TransactionClient,
	entry: {
		event: Pick<OwnedEvent, 'id' | 'name'>;
		/** Null for the scheduler's own work (SCHEDULER_ACTOR_NAME). */
		actor: Actor | null;
		action: AuditAction;
		summary: string;
		details?: Record<string, unknown>;
	}
) {
	await tx.eventAuditLog.create({
		data: {
			eventId: entry.event.id,
			eventName: entry.event.name,
			actorId: entry.actor?.id ?? null,
			actorName: entry.actor ? `${entry.actor.displayName} <${entry.actor.email}>` : SCHEDULER_ACTOR_NAME,
			action: entry.action,
			summary: entry.summary,
			// The event id is repeated here because event_id becomes null when the event is deleted.
			details: { eventId: entry.event.id, ...entry.details } as Prisma.InputJsonObject
		}
	});
}

/**
 * Records a phase change made by phases.ts's changeEventPhase, right after it succeeded (that function
 * owns its own transaction, so this row follows it rather than sharing it).
 */
export async function recordPhaseChange(
	actor: Actor,
	event: Pick<OwnedEvent, 'id' | 'name'>,
	change: { from: EventPhase; to: EventPhase }
) {
	if (change.from === change.to) return;
	await recordAuditEntry(db, {
		event,
		actor,
		action: 'phase_changed',
		// i18n-ignore: the audit record is stored, and read by every owner in one language
		summary: `Moved the event from ${change.from} to ${change.to}.`,
		details: { from: change.from, to: change.to }
	});
}

/** A page of the event's audit log, newest first. */
export async function listAuditLog(eventId: string, request: PageRequest) {
	const where = { eventId };
	const total = await db.eventAuditLog.count({ where });
	const page = pageOf(request, total);
	const entries = await db.eventAuditLog.findMany({
		where,
		select: { id: true, actorName: true, action: true, summary: true, createdAt: true },
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
		skip: page.skip,
		take: page.take
	});
	return { entries, ...page.info };
}
