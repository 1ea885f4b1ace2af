import type { ScheduleInput } from '$lib/schemas/schedule';
import { formatWithZone, toWallTime } from '../../time-zones.ts';
import { lockOwnedEvent, type Actor } from '../admin/access.ts';
import { recordAuditEntry } from '../admin/audit.ts';
import { db } from '../db.ts';
import type { EventPhase } from '../generated/prisma/client.ts';
import { RuleViolation } from '../rules.ts';
import { m } from '../../paraglide/messages.js';
import { formatInZoneForReader } from '../i18n/dates.ts';

const scheduleSelect = {
	phase: true,
	timeZone: true,
	startsAt: true,
	endsAt: true,
	votingOpensAt: true,
	votingClosesAt: true
} as const;

/** The event's dates and pending phase changes, as the form shows them (wall times in its zone). */
export async function getEventSchedule(eventId: string) {
	const event = await db.event.findUniqueOrThrow({ where: { id: eventId }, select: scheduleSelect });
	const wall = (date: Date | null) => (date ? toWallTime(date, event.timeZone) : '');
	const readable = (date: Date | null) => (date ? formatInZoneForReader(date, event.timeZone) : null);
	return {
		timeZone: event.timeZone,
		form: {
			timeZone: event.timeZone,
			startsAt: wall(event.startsAt),
			endsAt: wall(event.endsAt),
			votingOpensAt: wall(event.votingOpensAt),
			votingClosesAt: wall(event.votingClosesAt)
		},
		pending: {
			votingOpens: readable(event.votingOpensAt),
			votingCloses: readable(event.votingClosesAt)
		}
	};
}

type Schedule = ScheduleInput;

const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Checks the times of a schedule against the event's phase and the clock: a phase change can only be
 * scheduled ahead of time, and only one that can still happen. Times left as they were pass (one that
 * has just come due is being carried out).
 */
function checkSchedule(phase: EventPhase, before: Schedule, after: Schedule, now: Date) {
	const nowThere = formatInZoneForReader(now, after.timeZone);
	if (after.votingOpensAt && !same(after.votingOpensAt, before.votingOpensAt)) {
		if (phase === 'voting' || phase === 'closed') {
			throw new RuleViolation(
				phase === 'voting' ? m.server_schedule_voting_open_already() : m.server_schedule_voting_over_already()
			);
		}
		if (after.votingOpensAt <= now) {
			throw new RuleViolation(m.server_schedule_opens_passed({ now: nowThere }));
		}
	}
	if (after.votingClosesAt && !same(after.votingClosesAt, before.votingClosesAt)) {
		if (phase === 'closed') {
			throw new RuleViolation(m.server_schedule_closed_already());
		}
		if (after.votingClosesAt <= now) {
			throw new RuleViolation(m.server_schedule_closes_passed({ now: nowThere }));
		}
	}
}

/**
 * The audit sentences for what changed, e.g. Scheduled voting to open at Sat, 5 Dec 2026, 14:00
 * (Europe/Paris). Stored, and read by every owner of the event in one language: English.
 */
function describeChanges(before: Schedule, after: Schedule): string[] {
	const zone = after.timeZone;
	const sentences: string[] = [];
	// i18n-ignore
	if (before.timeZone !== after.timeZone) sentences.push(`Set the time zone to ${zone}.`);
	if (!same(before.startsAt, after.startsAt) || !same(before.endsAt, after.endsAt)) {
		sentences.push(
			after.startsAt && after.endsAt
				? // i18n-ignore
					`Set the dates: ${formatWithZone(after.startsAt, zone)} to ${formatWithZone(after.endsAt, zone)}.`
				: // i18n-ignore
					'Removed the dates.'
		);
	}
	const steps = [
		['votingOpensAt', 'voting to open', 'the opening of voting'],
		['votingClosesAt', 'voting to close', 'the closing of voting']
	] as const;
	for (const [key, scheduled, cancelled] of steps) {
		const from = before[key];
		const to = after[key];
		if (same(from, to)) continue;
		if (!to) {
			const was = formatWithZone(from!, before.timeZone);
			// i18n-ignore
			sentences.push(`Cancelled ${cancelled} scheduled for ${was}.`);
		} else if (!from) {
			// i18n-ignore
			sentences.push(`Scheduled ${scheduled} at ${formatWithZone(to, zone)}.`);
		} else {
			const was = formatWithZone(from, before.timeZone);
			// i18n-ignore
			sentences.push(`Rescheduled ${scheduled} at ${formatWithZone(to, zone)} (was ${was}).`);
		}
	}
	return sentences;
}

/**
 * Saves the event's dates, time zone and scheduled phase changes (owner or platform admin). The
 * scheduled changes are carried out by the scheduler (./runner.ts) on time, in the actor's name; an
 * empty time cancels one. Every change is in the audit log.
 */
export async function saveEventSchedule(
	actor: Actor,
	eventId: string,
	input: ScheduleInput,
	now = new Date()
) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		// FOR UPDATE: the scheduler locks the row the same way, so a change due right now is either carried
		// out before this reads the row (and this sees its column cleared) or waits for this to commit.
		const rows = await tx.$queryRaw<
			{
				phase: EventPhase;
				timeZone: string;
				startsAt: Date | null;
				endsAt: Date | null;
				votingOpensAt: Date | null;
				votingClosesAt: Date | null;
			}[]
		>`SELECT phase, time_zone AS "timeZone", starts_at AS "startsAt", ends_at AS "endsAt",
				voting_opens_at AS "votingOpensAt", voting_closes_at AS "votingClosesAt"
			FROM events WHERE id = ${eventId}::uuid FOR UPDATE`;
		const { phase, ...before } = rows[0];
		const after: Schedule = {
			timeZone: input.timeZone,
			startsAt: input.startsAt,
			endsAt: input.endsAt,
			votingOpensAt: input.votingOpensAt,
			votingClosesAt: input.votingClosesAt
		};
		checkSchedule(phase, before, after, now);
		const changes = describeChanges(before, after);
		if (changes.length === 0) return { changed: false };
		const scheduleChanged =
			!same(before.votingOpensAt, after.votingOpensAt) || !same(before.votingClosesAt, after.votingClosesAt);
		await tx.event.update({
			where: { id: eventId },
			data: { ...after, ...(scheduleChanged ? { scheduleSetById: actor.id } : {}) },
			select: { id: true }
		});
		const iso = (date: Date | null) => date?.toISOString() ?? null;
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'schedule_changed',
			summary: changes.join(' '),
			details: Object.fromEntries(
				(Object.keys(after) as (keyof Schedule)[])
					.filter((key) => (key === 'timeZone' ? before[key] !== after[key] : !same(before[key], after[key])))
					.map((key) =>
						key === 'timeZone'
							? [key, { from: before.timeZone, to: after.timeZone }]
							: [key, { from: iso(before[key]), to: iso(after[key]) }]
					)
			)
		});
		return { changed: true };
	});
}
