import type { EventListingInput } from '$lib/schemas/series';
import { db } from '../db.ts';
import { lockOwnedEvent, type Actor } from './access.ts';
import { recordAuditEntry } from './audit.ts';

// The owner's "Directory and submissions" settings: where the event happens, whether the public
// directory lists it, and the PII gate. Beside the main settings form rather than in it, so that each
// form saves only what it shows.

const LABELS = {
	place: 'place',
	listedInDirectory: 'listed in the directory',
	piiRequired: 'address and birth date required'
} as const;

/** The event's directory settings, and its series (set by platform admins, shown to the owner). */
export async function getEventListing(eventId: string) {
	return db.event.findUniqueOrThrow({
		where: { id: eventId },
		select: {
			place: true,
			listedInDirectory: true,
			piiRequired: true,
			series: { select: { name: true, active: true } }
		}
	});
}

/** Saves the directory settings (owner or platform admin), audited like the other settings. */
export async function updateEventListing(actor: Actor, eventId: string, input: EventListingInput) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const before = await tx.event.findUniqueOrThrow({
			where: { id: eventId },
			select: { place: true, listedInDirectory: true, piiRequired: true }
		});
		const after = {
			place: input.place ?? '',
			listedInDirectory: input.listedInDirectory,
			piiRequired: input.piiRequired
		};
		const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
			(key) => before[key] !== after[key]
		);
		if (changed.length === 0) return { changed };
		await tx.event.update({ where: { id: eventId }, data: after, select: { id: true } });
		const details: Record<string, unknown> = {};
		for (const key of changed) details[key] = { from: before[key], to: after[key] };
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'settings_changed',
			summary: `Changed the settings: ${changed.map((key) => LABELS[key]).join(', ')}.`,
			details
		});
		return { changed };
	});
}
