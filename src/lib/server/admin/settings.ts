import type { EventSettingsInput } from '$lib/schemas/admin';
import { db } from '../db.ts';
import { RuleViolation } from '../rules.ts';
import { lockOwnedEvent, type Actor } from './access.ts';
import { recordAuditEntry } from './audit.ts';
import { m } from '../../paraglide/messages.js';

/** The event's editable settings, for the settings form. */
export async function getEventSettings(eventId: string) {
	return db.event.findUniqueOrThrow({
		where: { id: eventId },
		select: { name: true, description: true, demoLinksOptional: true, featureFlags: true }
	});
}

/** Saves the settings form; the slug stays as it was (links and printed codes keep working). */
export async function updateEventSettings(actor: Actor, eventId: string, input: EventSettingsInput) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const before = await tx.event.findUniqueOrThrow({
			where: { id: eventId },
			select: { name: true, description: true, demoLinksOptional: true, featureFlags: true }
		});
		const after = {
			name: input.name,
			description: input.description ?? '',
			demoLinksOptional: input.demoLinksOptional,
			featureFlags: input.featureFlags
		};
		const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
			(key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])
		);
		if (changed.length === 0) return { changed };
		await tx.event.update({ where: { id: eventId }, data: after });
		const details: Record<string, unknown> = {};
		for (const key of changed) details[key] = { from: before[key], to: after[key] };
		await recordAuditEntry(tx, {
			event: { id: event.id, name: after.name },
			actor,
			action: 'settings_changed',
			summary: `Changed the settings: ${changed.map((key) => SETTING_LABELS[key]).join(', ')}.`,
			details
		});
		return { changed };
	});
}

const SETTING_LABELS = {
	name: 'name',
	description: 'description',
	demoLinksOptional: 'demo links optional',
	featureFlags: 'feature flags'
} as const;

/** What deleting the event deletes with it, as counts for the confirmation. */
export async function describeEventDeletion(eventId: string) {
	const counts = await db.event.findUniqueOrThrow({
		where: { id: eventId },
		select: { _count: { select: { projects: true, votes: true, attendees: true, referrals: true } } }
	});
	return counts._count;
}

/**
 * Deletes the event with its projects, votes, attendee list and referral answers, once the owner has
 * typed its name. The audit log keeps a row saying who deleted it.
 */
export async function deleteEvent(actor: Actor, eventId: string, typedName: string) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		if (typedName.trim() !== event.name.trim()) {
			throw new RuleViolation(m.server_delete_type_name({ name: event.name }));
		}
		const { _count: counts } = await tx.event.findUniqueOrThrow({
			where: { id: eventId },
			select: { _count: { select: { projects: true, votes: true, attendees: true, referrals: true } } }
		});
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'event_deleted',
			summary:
				`Deleted the event "${event.name}" with ${counts.projects} projects, ${counts.votes} votes, ` +
				`${counts.attendees} attendees and ${counts.referrals} referral answers.`,
			details: { slug: event.slug, ...counts }
		});
		// Projects, votes, attendance, referrals and team links go by ON DELETE CASCADE; the audit rows stay.
		await tx.event.delete({ where: { id: eventId } });
		return { name: event.name, ...counts };
	});
}

/** What each phase allows, shown beside the phase control (read when used: in the request's language). */
export const PHASE_ALLOWS = {
	get draft() {
		return m.server_phase_allows_draft();
	},
	get submission() {
		return m.server_phase_allows_submission();
	},
	get voting() {
		return m.server_phase_allows_voting();
	},
	get closed() {
		return m.server_phase_allows_closed();
	}
};
