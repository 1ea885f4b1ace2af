import type { Prisma } from '../generated/prisma/client.ts';
import type { Actor } from '../admin/access.ts';

/** Who acts in the app-wide admin area: a signed-in platform admin, or the operator command. */
export type PlatformActor = Actor | { command: string };

export type PlatformAction =
	| 'platform_admin_granted'
	| 'platform_admin_revoked'
	| 'event_transferred'
	| 'event_soft_deleted'
	| 'event_restored'
	| 'event_purged'
	| 'private_fields_revealed'
	| 'email_changed'
	| 'people_merged'
	| 'signed_out_everywhere'
	| 'person_exported'
	| 'person_deleted'
	| 'attendee_added'
	| 'attendee_removed'
	| 'teammate_added'
	| 'teammate_removed'
	| 'legacy_points_adjusted'
	| 'ballot_voided'
	| 'projects_exported'
	| 'activity_exported'
	| 'series_created'
	| 'series_changed'
	| 'series_deleted'
	| 'series_event_added'
	| 'series_event_removed'
	| 'series_flagship_set'
	| 'maintenance_started'
	| 'maintenance_ended';

/** How the log names an actor: "Display Name <email>", or "operator command (user@host)". */
export function actorName(actor: PlatformActor): string {
	return 'command' in actor ? `operator command (${actor.command})` : `${actor.displayName} <${actor.email}>`;
}

/** Writes one row of the platform audit log, inside the transaction of the change it records. */
export async function recordPlatformAction(
	tx: Prisma.TransactionClient,
	entry: {
		actor: PlatformActor;
		action: PlatformAction;
		summary: string;
		reason?: string;
		targetUserId?: string;
		targetEventId?: string;
		details?: Record<string, unknown>;
	}
) {
	await tx.platformAuditLog.create({
		data: {
			actorId: 'command' in entry.actor ? null : entry.actor.id,
			actorName: actorName(entry.actor),
			action: entry.action,
			summary: entry.summary,
			reason: entry.reason ?? null,
			targetUserId: entry.targetUserId ?? null,
			targetEventId: entry.targetEventId ?? null,
			// Ids are repeated here because the columns become null when their rows are purged.
			details: {
				...(entry.targetUserId ? { userId: entry.targetUserId } : {}),
				...(entry.targetEventId ? { eventId: entry.targetEventId } : {}),
				...entry.details
			} as Prisma.InputJsonObject
		}
	});
}
