import type { EventChecksInput } from '$lib/schemas/project-checks';
import { lockOwnedEvent, type Actor } from '../admin/access.ts';
import { recordAuditEntry } from '../admin/audit.ts';
import { db } from '../db.ts';
import { RuleViolation } from '../rules.ts';
import { NO_CHECK, checksFor, findCheck } from './registry.ts';
import { requestEventChecks } from './run.ts';
import { m } from '../../paraglide/messages.js';

/** The event's chosen checks and every check on offer, for the owner's form. */
export async function getEventChecks(eventId: string) {
	const event = await db.event.findUniqueOrThrow({
		where: { id: eventId },
		select: { repoCheck: true, demoCheck: true }
	});
	return { ...event, repoChoices: checksFor('repo'), demoChoices: checksFor('demo') };
}

/**
 * Sets the event's link checks (the owner's, checked again here) and, when they changed, checks every
 * project of the event again in the background.
 */
export async function updateEventChecks(actor: Actor, eventId: string, input: EventChecksInput) {
	if (input.repoCheck !== NO_CHECK && !findCheck('repo', input.repoCheck)) {
		throw new RuleViolation(m.server_check_choose_repo());
	}
	if (input.demoCheck !== NO_CHECK && !findCheck('demo', input.demoCheck)) {
		throw new RuleViolation(m.server_check_choose_demo());
	}
	const changed = await db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const before = await tx.event.findUniqueOrThrow({
			where: { id: eventId },
			select: { repoCheck: true, demoCheck: true }
		});
		if (before.repoCheck === input.repoCheck && before.demoCheck === input.demoCheck) return false;
		await tx.event.update({ where: { id: eventId }, data: input });
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'settings_changed',
			// i18n-ignore: the audit record is stored, and read by every owner in one language
			summary: `Changed the project link checks: repository ${input.repoCheck}, demo ${input.demoCheck}.`,
			details: {
				repoCheck: { from: before.repoCheck, to: input.repoCheck },
				demoCheck: { from: before.demoCheck, to: input.demoCheck }
			}
		});
		return true;
	});
	const checking = changed ? await requestEventChecks(eventId) : { count: 0 };
	return { changed, checking: checking.count };
}
