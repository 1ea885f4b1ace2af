import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../ids.ts';
import { forgetKeptResults } from '../results/kept.ts';
import { announceEventChange } from '../live-channel.ts';
import { RuleViolation } from '../rules.ts';
import type { Actor } from '../admin/access.ts';
import { requirePlatformAdminRole } from './admins.ts';
import { recordPlatformAction } from './audit.ts';
import { m } from '../../paraglide/messages.js';

type Tx = Prisma.TransactionClient;

interface LockedEvent {
	id: string;
	name: string;
	slug: string;
	owner_id: string;
	deleted_at: Date | null;
}

/**
 * The platform admin role, read again inside the write's transaction, and the event's row locked for
 * the change: a route that forgot its guard still changes nothing, and two admins acting on one event
 * take turns (the second sees the first one's change).
 */
async function lockEventForAdmin(tx: Tx, actor: Actor, eventId: string): Promise<LockedEvent> {
	await requirePlatformAdminRole(tx, actor.id);
	if (!isUuid(eventId)) throw new RuleViolation(m.people_event_not_found(), 404);
	const rows = await tx.$queryRaw<LockedEvent[]>`
		SELECT id::text, name, slug, owner_id::text, deleted_at FROM events WHERE id = ${eventId}::uuid FOR UPDATE`;
	if (!rows[0]) throw new RuleViolation(m.people_event_not_found(), 404);
	return rows[0];
}

/**
 * Hands an event to another person, found by email: they must exist and not be deleted. Refused, with
 * nothing changed, for the current owner, an unknown address, or when the owner is no longer
 * `expectedOwnerId` (someone changed it since the admin's page was loaded).
 */
export async function transferEvent(
	actor: Actor,
	eventId: string,
	input: { email: string; expectedOwnerId: string; reason?: string }
) {
	return db.$transaction(async (tx) => {
		const event = await lockEventForAdmin(tx, actor, eventId);
		if (event.owner_id !== input.expectedOwnerId) {
			throw new RuleViolation(m.people_owner_changed(), 409);
		}
		const email = input.email.trim().toLowerCase();
		const [from, to] = await Promise.all([
			tx.user.findUniqueOrThrow({ where: { id: event.owner_id }, select: { id: true, email: true } }),
			tx.user.findUnique({ where: { email }, select: { id: true, email: true, deletedAt: true } })
		]);
		if (!to) throw new RuleViolation(m.people_nobody_with_email_check({ email }), 404);
		if (to.deletedAt) throw new RuleViolation(m.people_transfer_to_deleted({ email }), 409);
		if (to.id === from.id) throw new RuleViolation(m.people_already_owns({ email }), 409);
		await tx.event.update({ where: { id: event.id }, data: { ownerId: to.id }, select: { id: true } });
		await recordPlatformAction(tx, {
			actor,
			action: 'event_transferred',
			summary: `Transferred the event "${event.name}" from ${from.email} to ${to.email}.`,
			reason: input.reason,
			targetUserId: to.id,
			targetEventId: event.id,
			details: {
				name: event.name,
				from: { id: from.id, email: from.email },
				to: { id: to.id, email: to.email }
			}
		});
		return { name: event.name, from: from.email, to: to.email };
	});
}

/**
 * Soft-deletes an event: it disappears for everyone but platform admins (its pages, join code and
 * links, lists and totals), with every row kept for a restore.
 */
export async function softDeleteEvent(actor: Actor, eventId: string, reason?: string) {
	const done = await db.$transaction(async (tx) => {
		const event = await lockEventForAdmin(tx, actor, eventId);
		if (event.deleted_at) throw new RuleViolation(m.people_event_already_deleted(), 409);
		await tx.event.update({ where: { id: event.id }, data: { deletedAt: new Date() }, select: { id: true } });
		await recordPlatformAction(tx, {
			actor,
			action: 'event_soft_deleted',
			summary: `Deleted the event "${event.name}" (it can be restored).`,
			reason,
			targetEventId: event.id,
			details: { name: event.name, slug: event.slug }
		});
		// Other app instances forget its cached leaderboard and live views (delivered on commit).
		await announceEventChange(tx, event.id);
		return { name: event.name };
	});
	forgetKeptResults(eventId);
	return done;
}

/** Brings a soft-deleted event back as it was: attendees, projects, votes, join code and phase. */
export async function restoreEvent(actor: Actor, eventId: string, reason?: string) {
	const done = await db.$transaction(async (tx) => {
		const event = await lockEventForAdmin(tx, actor, eventId);
		if (!event.deleted_at) throw new RuleViolation(m.people_event_not_deleted(), 409);
		await tx.event.update({ where: { id: event.id }, data: { deletedAt: null }, select: { id: true } });
		await recordPlatformAction(tx, {
			actor,
			action: 'event_restored',
			summary: `Restored the event "${event.name}".`,
			reason,
			targetEventId: event.id,
			details: { name: event.name, slug: event.slug, deletedAt: event.deleted_at.toISOString() }
		});
		await announceEventChange(tx, event.id);
		return { name: event.name };
	});
	forgetKeptResults(eventId);
	return done;
}

/** What purging the event deletes with it, as counts for the confirmation. */
export async function describeEventPurge(eventId: string) {
	if (!isUuid(eventId)) throw new RuleViolation(m.people_event_not_found(), 404);
	const event = await db.event.findUnique({
		where: { id: eventId },
		select: {
			id: true,
			name: true,
			deletedAt: true,
			_count: { select: { attendees: true, projects: true, votes: true, referrals: true } }
		}
	});
	if (!event) throw new RuleViolation(m.people_event_not_found(), 404);
	return { id: event.id, name: event.name, deleted: event.deletedAt !== null, ...event._count };
}

/**
 * Deletes a soft-deleted event for good, with everything in it (projects, votes, attendance, referrals,
 * teams: ON DELETE CASCADE), once the admin has typed its name. Audit rows stay: both logs keep their
 * rows, with the event's id in their details.
 */
export async function purgeEvent(actor: Actor, eventId: string, typedName: string, reason?: string) {
	return db.$transaction(async (tx) => {
		const event = await lockEventForAdmin(tx, actor, eventId);
		if (!event.deleted_at) {
			throw new RuleViolation(m.people_purge_not_deleted(), 409);
		}
		if (typedName.trim() !== event.name.trim()) {
			throw new RuleViolation(m.people_purge_type_name({ name: event.name }));
		}
		const { _count: counts } = await tx.event.findUniqueOrThrow({
			where: { id: event.id },
			select: { _count: { select: { attendees: true, projects: true, votes: true, referrals: true } } }
		});
		await recordPlatformAction(tx, {
			actor,
			action: 'event_purged',
			summary:
				`Purged the event "${event.name}" with ${counts.projects} projects, ${counts.votes} votes, ` +
				`${counts.attendees} attendees and ${counts.referrals} referral answers.`,
			reason,
			targetEventId: event.id,
			details: { name: event.name, slug: event.slug, ownerId: event.owner_id, ...counts }
		});
		await tx.event.delete({ where: { id: event.id } });
		return { name: event.name, ...counts };
	});
}
