import { formatWithZone } from '../../time-zones.ts';
import { recordAuditEntry } from '../admin/audit.ts';
import { publicUrl } from '../config.ts';
import { db } from '../db.ts';
import type { EventPhase } from '../generated/prisma/client.ts';
import { log } from '../log.ts';
import { sendMail, type MailSettings } from '../mail.ts';
import { applyPhase } from '../phases.ts';
import { m } from '../../paraglide/messages.js';
import { inLocale } from '../i18n/locale.ts';
import { formatInZoneForReader } from '../i18n/dates.ts';

// The scheduled work, carried out by whichever app process gets to it first (./ticker.ts runs it every
// few seconds in each process). Exactly once: a due phase change is done in one transaction that locks
// the event's row, checks that the change is still due, makes it, clears its time and writes its audit
// row; a second process waits for the lock and then finds nothing due. A missed tick (every process
// down) is caught up by the next one, as the due times stay in the table until done.

/** How long before voting closes the attendees who have not voted are reminded. */
export const REMINDER_BEFORE_CLOSE_MS = 10 * 60_000;

// Opening before closing: an event whose two changes both came due while every app process was down
// goes through voting to closed, as it would have on time.
const STEPS = [
	{ column: 'votingOpensAt', from: 'submission', to: 'voting', what: 'Voting opens' },
	{ column: 'votingClosesAt', from: 'voting', to: 'closed', what: 'Voting closes' }
] as const;

interface LockedEvent {
	id: string;
	name: string;
	phase: EventPhase;
	timeZone: string;
	votingOpensAt: Date | null;
	votingClosesAt: Date | null;
	scheduleSetById: string | null;
}

/** What one event's due changes came to, for logs and tests. */
export interface CarriedOut {
	eventId: string;
	from: EventPhase;
	to: EventPhase;
	dueAt: Date;
	skipped?: string;
}

/** Carries out the phase changes that are due at `now`, in every event; returns what was done. */
export async function runDuePhaseChanges(now = new Date()): Promise<CarriedOut[]> {
	const due = await db.$queryRaw<{ id: string }[]>`
		SELECT id::text AS id FROM events
		WHERE deleted_at IS NULL AND (voting_opens_at <= ${now} OR voting_closes_at <= ${now})
		ORDER BY LEAST(voting_opens_at, voting_closes_at) LIMIT 100`;
	const done: CarriedOut[] = [];
	for (const { id } of due) done.push(...(await carryOut(id, now)));
	return done;
}

async function carryOut(eventId: string, now: Date): Promise<CarriedOut[]> {
	return db.$transaction(async (tx) => {
		// FOR UPDATE: the same lock as the owner's manual phase change, so ballots under way finish first
		// (they hold the row FOR SHARE) and a second process running the same tick waits here, then sees
		// the cleared time and does nothing.
		const rows = await tx.$queryRaw<LockedEvent[]>`
			SELECT id::text AS id, name, phase, time_zone AS "timeZone", voting_opens_at AS "votingOpensAt",
				voting_closes_at AS "votingClosesAt", schedule_set_by_id::text AS "scheduleSetById"
			FROM events WHERE id = ${eventId}::uuid AND deleted_at IS NULL FOR UPDATE`;
		const event = rows[0];
		if (!event) return [];
		const actor = event.scheduleSetById
			? await tx.user.findUnique({
					where: { id: event.scheduleSetById },
					select: { id: true, displayName: true, email: true }
				})
			: null;
		const results: CarriedOut[] = [];
		let phase = event.phase;
		for (const step of STEPS) {
			const dueAt = event[step.column];
			if (!dueAt || dueAt > now) continue;
			await tx.event.update({
				where: { id: eventId },
				data: step.column === 'votingOpensAt' ? { votingOpensAt: null } : { votingClosesAt: null },
				select: { id: true }
			});
			const when = formatWithZone(dueAt, event.timeZone);
			if (phase === step.from) {
				await applyPhase(tx, eventId, step.to);
				await recordAuditEntry(tx, {
					event,
					actor,
					action: 'phase_changed',
					// i18n-ignore: the audit record is stored, and read by every owner in one language
					summary: `Moved the event from ${phase} to ${step.to}, as scheduled for ${when}.`,
					details: { from: phase, to: step.to, scheduled: true, dueAt: dueAt.toISOString() }
				});
				results.push({ eventId, from: phase, to: step.to, dueAt });
				phase = step.to;
			} else {
				// The same rule as on time: a scheduled change only moves an event one phase forward from
				// where the schedule expects it. An owner who moved it by hand meanwhile has the last word.
				const skipped = `${step.what} was scheduled for ${when}, but the event was in ${phase}, not ${step.from}: nothing was changed.`;
				await recordAuditEntry(tx, {
					event,
					actor,
					action: 'scheduled_change_skipped',
					summary: skipped,
					details: { phase, expected: step.from, to: step.to, dueAt: dueAt.toISOString() }
				});
				results.push({ eventId, from: phase, to: step.to, dueAt, skipped });
			}
		}
		return results;
	});
}

interface Reminded {
	userId: string;
	email: string;
	firstName: string;
	locale: string | null;
}

/**
 * Mails the attendees who have not voted, once each, when voting closes within
 * REMINDER_BEFORE_CLOSE_MS of `now`; returns how many were sent per event.
 */
export async function sendVotingReminders(
	now = new Date(),
	{ mail }: { mail?: MailSettings } = {}
): Promise<{ eventId: string; sent: number }[]> {
	const soon = new Date(now.getTime() + REMINDER_BEFORE_CLOSE_MS);
	const events = await db.$queryRaw<
		{ id: string; name: string; slug: string; timeZone: string; votingClosesAt: Date }[]
	>`
		SELECT id::text AS id, name, slug, time_zone AS "timeZone", voting_closes_at AS "votingClosesAt"
		FROM events
		WHERE deleted_at IS NULL AND phase = 'voting' AND voting_closes_at > ${now} AND voting_closes_at <= ${soon}`;
	const results = [];
	for (const event of events) {
		// Claimed before sending, in one statement: of two processes, each row goes to one (the other's
		// UPDATE waits for the row and then finds it stamped). A mail that cannot be sent gives its claim
		// back, to be tried again at the next tick; a process that dies between claim and send loses that
		// mail rather than ever sending it twice.
		const claimed = await db.$queryRaw<Reminded[]>`
			UPDATE event_attendees a SET voting_reminder_sent_at = ${now}
			FROM users u
			WHERE a.event_id = ${event.id}::uuid AND u.id = a.user_id
				AND a.voting_reminder_sent_at IS NULL AND a.ballot_voided_at IS NULL
				AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)
			RETURNING a.user_id::text AS "userId", u.email, u.first_name AS "firstName", u.locale`;
		let sent = 0;
		for (const person of claimed) {
			try {
				// In the language the person chose (else English), not in the scheduler's.
				await sendMail(
					inLocale(person.locale, () => reminderMail(event, person, now)),
					mail
				);
				sent++;
			} catch (err) {
				log.warn({ err }, `Voting reminder for event ${event.id} could not be sent; trying again later`);
				await db.eventAttendee.update({
					where: { eventId_userId: { eventId: event.id, userId: person.userId } },
					data: { votingReminderSentAt: null },
					select: { eventId: true }
				});
			}
		}
		if (sent > 0) {
			await recordAuditEntry(db, {
				event,
				actor: null,
				action: 'voting_reminders_sent',
				// i18n-ignore: the audit record is stored, and read by every owner in one language
				summary: `Reminded ${sent} attendee${sent === 1 ? '' : 's'} who had not voted that voting closes at ${formatWithZone(event.votingClosesAt, event.timeZone)}.`,
				details: { sent, votingClosesAt: event.votingClosesAt.toISOString() }
			});
		}
		results.push({ eventId: event.id, sent });
	}
	return results;
}

function reminderMail(
	event: { name: string; slug: string; timeZone: string; votingClosesAt: Date },
	person: Reminded,
	now: Date
) {
	const minutes = Math.max(1, Math.round((event.votingClosesAt.getTime() - now.getTime()) / 60_000));
	const link = publicUrl(`/events/${encodeURIComponent(event.slug)}/vote`);
	const closes = formatInZoneForReader(event.votingClosesAt, event.timeZone);
	const escape = (text: string) =>
		text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
	return {
		to: person.email,
		subject: m.server_reminder_subject({ minutes, event: event.name }),
		text:
			`${m.server_reminder_hi({ name: person.firstName })}\n\n${m.server_reminder_body({ minutes, event: event.name, closes })} ` +
			`${m.server_reminder_pick_here()}\n\n${link}\n\n` +
			`${m.server_reminder_once()}\n`,
		html:
			`<p>${escape(m.server_reminder_hi({ name: person.firstName }))}</p>` +
			// The message's own words need no escaping; the event's name and the time do.
			`<p>${m.server_reminder_body({ minutes, event: `<strong>${escape(event.name)}</strong>`, closes: escape(closes) })}</p>` +
			`<p><a href="${escape(link)}">${escape(m.server_reminder_pick())}</a></p>` +
			`<p>${escape(m.server_reminder_once())}</p>`
	};
}

/** One round of scheduled work: the due phase changes first (an event closing now gets no reminder). */
export async function runScheduledWork(now = new Date()) {
	const changes = await runDuePhaseChanges(now);
	for (const change of changes) {
		if (change.skipped) log.info(change.skipped);
		else log.info(`Event ${change.eventId}: moved from ${change.from} to ${change.to} as scheduled`);
	}
	const reminders = await sendVotingReminders(now);
	return { changes, reminders };
}
