import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../src/lib/schemas/schedule';
import type { Actor } from '../../src/lib/server/admin/access';
import { SCHEDULER_ACTOR_NAME } from '../../src/lib/server/admin/audit';
import {
	attendeesCsvHeader,
	exportAttendeesCsv,
	exportVotesCsv,
	votesCsvHeader
} from '../../src/lib/server/admin/exports';
import type { MailSettings } from '../../src/lib/server/mail';
import { changeEventPhase } from '../../src/lib/server/phases';
import { RuleViolation } from '../../src/lib/server/rules';
import { runDuePhaseChanges, sendVotingReminders } from '../../src/lib/server/schedule/runner';
import { getEventSchedule, saveEventSchedule } from '../../src/lib/server/schedule/settings';
import { csvStreamResponse } from '../../src/lib/server/admin/csv';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

const outbox = mkdtempSync(path.join(tmpdir(), 'podium-schedule-outbox-'));
afterAll(() => rmSync(outbox, { recursive: true, force: true }));
const mail: MailSettings = { transport: 'outbox', dir: outbox, from: 'Podium <podium@example.test>' };

// A fixed "now" for the rules (it is 10:00 in Paris); the scheduler is given its own "now" per tick.
const NOW = new Date('2026-12-05T09:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

const actorOf = (user: { id: string; displayName: string; email: string }): Actor => ({
	id: user.id,
	displayName: user.displayName,
	email: user.email
});

/** The form as the owner fills it in: wall times in the chosen zone. */
function form(
	fields: Partial<Record<'timeZone' | 'startsAt' | 'endsAt' | 'votingOpensAt' | 'votingClosesAt', string>>
) {
	return scheduleSchema.safeParse({ timeZone: 'Europe/Paris', ...fields });
}

function parsed(fields: Parameters<typeof form>[0]) {
	const result = form(fields);
	if (!result.success) throw new Error(JSON.stringify(result.error.issues));
	return result.data;
}

async function refusal(work: Promise<unknown>) {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

async function ownedEvent(phase: 'draft' | 'submission' | 'voting' | 'closed' = 'submission') {
	const owner = await make.createUser({ firstName: 'Olivia' });
	const event = await make.createEvent({ ownerId: owner.id, phase });
	return { owner, actor: actorOf(owner), event };
}

const auditOf = (eventId: string) =>
	db.eventAuditLog.findMany({
		where: { eventId },
		orderBy: { createdAt: 'asc' },
		select: { action: true, summary: true, actorId: true, actorName: true, details: true }
	});

describe('the dates and schedule form', () => {
	it('refuses bad input with a sentence per field', () => {
		const errors = (fields: Parameters<typeof form>[0]) => {
			const result = form(fields);
			expect(result.success).toBe(false);
			return Object.fromEntries(result.error!.issues.map((i) => [String(i.path[0]), i.message]));
		};
		expect(errors({ timeZone: 'Mars/Olympus' }).timeZone).toMatch(/^Choose a time zone from the list/);
		expect(errors({ startsAt: '2026-02-30T10:00', endsAt: '2026-03-01T10:00' }).startsAt).toBe(
			'Enter a date and time, e.g. 2026-12-05 14:00.'
		);
		expect(errors({ startsAt: '2026-12-05T10:00' }).endsAt).toBe('Give the end too, or leave both empty.');
		expect(errors({ startsAt: '2026-12-06T10:00', endsAt: '2026-12-05T10:00' }).endsAt).toBe(
			'The event must end after it starts.'
		);
		expect(
			errors({ votingOpensAt: '2026-12-05T15:00', votingClosesAt: '2026-12-05T15:00' }).votingClosesAt
		).toBe('Voting must close after it opens.');
		expect(errors({ votingOpensAt: '2026-03-29T02:30' }).votingOpensAt).toBe(
			'Clocks in Europe/Paris skip that time (summer time begins): choose another.'
		);
	});

	it('reads the times in the zone chosen in the same form', () => {
		const data = parsed({
			timeZone: 'america/new_york',
			startsAt: '2026-12-05T09:00',
			endsAt: '2026-12-06T18:00'
		});
		expect(data.timeZone).toBe('America/New_York');
		expect(data.startsAt).toEqual(new Date('2026-12-05T14:00:00Z'));
		expect(data.endsAt).toEqual(new Date('2026-12-06T23:00:00Z'));
	});
});

describe('scheduling phase changes', () => {
	it('saves dates and a schedule, shows them back in the zone, and audits each change', async () => {
		const { actor, event } = await ownedEvent();
		const saved = await saveEventSchedule(
			actor,
			event.id,
			parsed({
				startsAt: '2026-12-05T09:00',
				endsAt: '2026-12-06T18:00',
				votingOpensAt: '2026-12-06T14:00',
				votingClosesAt: '2026-12-06T16:30'
			}),
			NOW
		);
		expect(saved.changed).toBe(true);
		const row = await db.event.findUniqueOrThrow({ where: { id: event.id } });
		expect(row).toMatchObject({
			timeZone: 'Europe/Paris',
			startsAt: new Date('2026-12-05T08:00:00Z'),
			endsAt: new Date('2026-12-06T17:00:00Z'),
			votingOpensAt: new Date('2026-12-06T13:00:00Z'),
			votingClosesAt: new Date('2026-12-06T15:30:00Z'),
			scheduleSetById: actor.id
		});
		const shown = await getEventSchedule(event.id);
		expect(shown.form).toEqual({
			timeZone: 'Europe/Paris',
			startsAt: '2026-12-05T09:00',
			endsAt: '2026-12-06T18:00',
			votingOpensAt: '2026-12-06T14:00',
			votingClosesAt: '2026-12-06T16:30'
		});
		expect(shown.pending.votingOpens).toBe('Sun, 6 Dec 2026, 14:00 (Europe/Paris)');
		const [entry] = await auditOf(event.id);
		expect(entry.action).toBe('schedule_changed');
		expect(entry.actorId).toBe(actor.id);
		expect(entry.summary).toBe(
			'Set the time zone to Europe/Paris. Set the dates: Sat, 5 Dec 2026, 09:00 (Europe/Paris) to Sun, 6 Dec 2026, 18:00 (Europe/Paris). ' +
				'Scheduled voting to open at Sun, 6 Dec 2026, 14:00 (Europe/Paris). Scheduled voting to close at Sun, 6 Dec 2026, 16:30 (Europe/Paris).'
		);

		// Saving the same form again changes nothing and records nothing.
		const again = await saveEventSchedule(actor, event.id, parsed({ ...shown.form }), NOW);
		expect(again.changed).toBe(false);
		expect(await auditOf(event.id)).toHaveLength(1);
	});

	it('refuses a time that has passed, and changes nothing', async () => {
		const { actor, event } = await ownedEvent();
		// 09:30 in Paris is 08:30 UTC: half an hour before NOW.
		const error = await refusal(
			saveEventSchedule(actor, event.id, parsed({ votingOpensAt: '2026-12-05T09:30' }), NOW)
		);
		expect(error.message).toBe(
			'"Voting opens at" has already passed (it is now Sat, 5 Dec 2026, 10:00 (Europe/Paris)): choose a later time, or open voting now under Phase.'
		);
		const closing = await refusal(
			saveEventSchedule(actor, event.id, parsed({ votingClosesAt: '2026-12-05T10:00' }), NOW)
		);
		expect(closing.message).toMatch(/^"Voting closes at" has already passed/);
		const row = await db.event.findUniqueOrThrow({ where: { id: event.id } });
		expect(row.votingOpensAt).toBeNull();
		expect(row.timeZone).toBe('UTC');
		expect(await auditOf(event.id)).toHaveLength(0);
	});

	it('refuses to schedule what can no longer happen, and strangers', async () => {
		const { actor, event } = await ownedEvent('voting');
		const open = await refusal(
			saveEventSchedule(actor, event.id, parsed({ votingOpensAt: '2026-12-05T12:00' }), NOW)
		);
		expect(open.message).toBe('Voting is already open: leave "Voting opens at" empty.');
		const closed = await ownedEvent('closed');
		const close = await refusal(
			saveEventSchedule(closed.actor, closed.event.id, parsed({ votingClosesAt: '2026-12-05T12:00' }), NOW)
		);
		expect(close.message).toBe('Voting is already closed: leave "Voting closes at" empty.');
		const stranger = actorOf(await make.createUser());
		const denied = await refusal(
			saveEventSchedule(stranger, event.id, parsed({ votingClosesAt: '2026-12-05T12:00' }), NOW)
		);
		expect(denied.status).toBe(403);
	});

	it('reschedules and cancels, each in the audit log', async () => {
		const { actor, event } = await ownedEvent();
		await saveEventSchedule(actor, event.id, parsed({ votingOpensAt: '2026-12-05T12:00' }), NOW);
		await saveEventSchedule(actor, event.id, parsed({ votingOpensAt: '2026-12-05T13:00' }), NOW);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).votingOpensAt).toEqual(
			new Date('2026-12-05T12:00:00Z')
		);
		await saveEventSchedule(actor, event.id, parsed({}), NOW);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).votingOpensAt).toBeNull();
		const summaries = (await auditOf(event.id)).map((e) => e.summary);
		expect(summaries).toEqual([
			'Set the time zone to Europe/Paris. Scheduled voting to open at Sat, 5 Dec 2026, 12:00 (Europe/Paris).',
			'Rescheduled voting to open at Sat, 5 Dec 2026, 13:00 (Europe/Paris) (was Sat, 5 Dec 2026, 12:00 (Europe/Paris)).',
			'Cancelled the opening of voting scheduled for Sat, 5 Dec 2026, 13:00 (Europe/Paris).'
		]);
		// A cancelled change never happens.
		const later = await runDuePhaseChanges(minutes(24 * 60));
		expect(later.filter((d) => d.eventId === event.id)).toEqual([]);
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).phase).toBe('submission');
	});
});

describe('carrying out the schedule', () => {
	it('moves the event at its time, once, audited in the name of who scheduled it', async () => {
		const { actor, event } = await ownedEvent();
		await saveEventSchedule(
			actor,
			event.id,
			parsed({ votingOpensAt: '2026-12-05T10:05', votingClosesAt: '2026-12-05T11:00' }),
			NOW
		);
		const mine = (done: { eventId: string }[]) => done.filter((d) => d.eventId === event.id);
		expect(mine(await runDuePhaseChanges(minutes(4)))).toEqual([]);
		// Two processes ticking at the same moment: one makes the change, the other finds it done.
		const ticks = await Promise.all([runDuePhaseChanges(minutes(5)), runDuePhaseChanges(minutes(5))]);
		expect(ticks.flatMap(mine)).toHaveLength(1);
		const row = await db.event.findUniqueOrThrow({ where: { id: event.id } });
		expect(row.phase).toBe('voting');
		expect(row.votingOpensAt).toBeNull();
		expect(row.votingClosesAt).toEqual(minutes(60));
		expect(mine(await runDuePhaseChanges(minutes(6)))).toEqual([]);
		const changes = (await auditOf(event.id)).filter((e) => e.action === 'phase_changed');
		expect(changes).toHaveLength(1);
		expect(changes[0]).toMatchObject({
			actorId: actor.id,
			actorName: `${actor.displayName} <${actor.email}>`,
			summary:
				'Moved the event from submission to voting, as scheduled for Sat, 5 Dec 2026, 10:05 (Europe/Paris).',
			details: { from: 'submission', to: 'voting', scheduled: true, dueAt: '2026-12-05T09:05:00.000Z' }
		});

		// A restart that missed the closing time: the first tick after it closes voting.
		await runDuePhaseChanges(minutes(90));
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).phase).toBe('closed');
		expect((await auditOf(event.id)).filter((e) => e.action === 'phase_changed')).toHaveLength(2);
	});

	it('goes through voting to closed when both times passed while nothing ran', async () => {
		const { actor, event } = await ownedEvent();
		await saveEventSchedule(
			actor,
			event.id,
			parsed({ votingOpensAt: '2026-12-05T11:00', votingClosesAt: '2026-12-05T12:00' }),
			NOW
		);
		await runDuePhaseChanges(minutes(24 * 60));
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).phase).toBe('closed');
		expect(
			(await auditOf(event.id)).filter((e) => e.action === 'phase_changed').map((e) => e.details)
		).toEqual([
			expect.objectContaining({ from: 'submission', to: 'voting' }),
			expect.objectContaining({ from: 'voting', to: 'closed' })
		]);
	});

	it('respects the phase rules: a change the owner made by hand meanwhile is not undone', async () => {
		const { owner, actor, event } = await ownedEvent();
		await saveEventSchedule(actor, event.id, parsed({ votingOpensAt: '2026-12-05T11:00' }), NOW);
		// The owner opened voting early by hand, and closed it.
		await changeEventPhase(owner.id, event.id, 'voting');
		await changeEventPhase(owner.id, event.id, 'closed');
		const [done] = (await runDuePhaseChanges(minutes(61))).filter((d) => d.eventId === event.id);
		expect(done.skipped).toBe(
			'Voting opens was scheduled for Sat, 5 Dec 2026, 11:00 (Europe/Paris), but the event was in closed, not submission: nothing was changed.'
		);
		const row = await db.event.findUniqueOrThrow({ where: { id: event.id } });
		expect(row.phase).toBe('closed');
		expect(row.votingOpensAt).toBeNull();
		expect((await auditOf(event.id)).map((e) => e.action)).toEqual([
			'schedule_changed',
			'scheduled_change_skipped'
		]);
	});
});

describe('the voting reminder', () => {
	/** The messages in the outbox to `email`. */
	const mailTo = (email: string) =>
		readdirSync(outbox)
			.map((file) => readFileSync(path.join(outbox, file), 'utf8'))
			.filter((raw) => raw.includes(`To: ${email}`));

	it('goes ten minutes before voting closes, once, only to attendees who have not voted', async () => {
		const { owner, actor, event } = await ownedEvent();
		const voter = await make.createUser({ firstName: 'Vera' });
		const waiting = await make.createUser({ firstName: 'Walt' });
		const alpha = await make.createProject(event.id, { name: 'Alpha' });
		await make.createProject(event.id, { ownerId: waiting.id, name: 'Beta' });
		await make.addAttendee(event.id, voter.id);
		await saveEventSchedule(actor, event.id, parsed({ votingClosesAt: '2026-12-05T11:00' }), NOW);
		await changeEventPhase(owner.id, event.id, 'voting');
		await make.createVote(voter.id, alpha.id);
		const attendees = await db.eventAttendee.findMany({
			where: { eventId: event.id },
			select: { userId: true }
		});
		const alphaOwner = attendees.find((a) => ![voter.id, waiting.id].includes(a.userId))!.userId;
		const alphaOwnerEmail = (await db.user.findUniqueOrThrow({ where: { id: alphaOwner } })).email;

		const sentFor = (results: { eventId: string; sent: number }[]) =>
			results.find((r) => r.eventId === event.id)?.sent ?? 0;
		// 11 minutes before: too early.
		expect(sentFor(await sendVotingReminders(minutes(49), { mail }))).toBe(0);
		// 9 minutes before, from two processes at once: each attendee who has not voted gets one mail.
		const both = await Promise.all([
			sendVotingReminders(minutes(51), { mail }),
			sendVotingReminders(minutes(51), { mail })
		]);
		expect(both.map(sentFor).reduce((a, b) => a + b)).toBe(2);
		expect(mailTo(waiting.email)).toHaveLength(1);
		expect(mailTo(alphaOwnerEmail)).toHaveLength(1);
		expect(mailTo(voter.email)).toHaveLength(0);
		expect(mailTo(owner.email)).toHaveLength(0);
		const message = mailTo(waiting.email)[0];
		expect(message).toContain(`Subject: Voting closes in 9 minutes: ${event.name}`);
		expect(message).toContain(`/events/${event.slug}/vote`);
		// Later ticks, and a close moved later, send nothing more.
		expect(sentFor(await sendVotingReminders(minutes(55), { mail }))).toBe(0);
		await saveEventSchedule(
			actor,
			event.id,
			parsed({ timeZone: 'Europe/Paris', votingClosesAt: '2026-12-05T11:05' }),
			minutes(56)
		);
		expect(sentFor(await sendVotingReminders(minutes(58), { mail }))).toBe(0);
		expect(mailTo(waiting.email)).toHaveLength(1);
		const reminders = (await auditOf(event.id)).filter((e) => e.action === 'voting_reminders_sent');
		expect(reminders).toHaveLength(1);
		expect(reminders[0]).toMatchObject({
			actorId: null,
			actorName: SCHEDULER_ACTOR_NAME,
			summary:
				'Reminded 2 attendees who had not voted that voting closes at Sat, 5 Dec 2026, 11:00 (Europe/Paris).'
		});
	});

	it('is not sent once voting has closed or when no close is scheduled', async () => {
		const { owner, actor, event } = await ownedEvent();
		const late = await make.createUser();
		await make.addAttendee(event.id, late.id);
		await make.createProject(event.id);
		await changeEventPhase(owner.id, event.id, 'voting');
		expect((await sendVotingReminders(minutes(1), { mail })).some((r) => r.eventId === event.id)).toBe(false);
		await saveEventSchedule(actor, event.id, parsed({ votingClosesAt: '2026-12-05T10:30' }), NOW);
		await runDuePhaseChanges(minutes(31));
		expect((await sendVotingReminders(minutes(31), { mail })).some((r) => r.eventId === event.id)).toBe(
			false
		);
		expect(mailTo(late.email)).toHaveLength(0);
	});
});

describe('times in the event zone on the owner side', () => {
	it('the votes CSV names the zone and gives times in it', async () => {
		const { actor, event } = await ownedEvent('voting');
		const voter = await make.createUser();
		const project = await make.createProject(event.id);
		await make.addAttendee(event.id, voter.id);
		const vote = await make.createVote(voter.id, project.id);
		await db.vote.update({ where: { id: vote.id }, data: { createdAt: new Date('2026-07-01T12:00:00Z') } });
		await saveEventSchedule(actor, event.id, parsed({ timeZone: 'Asia/Kolkata' }), NOW);
		const response = csvStreamResponse(
			'votes.csv',
			votesCsvHeader('Asia/Kolkata'),
			exportVotesCsv(event.id, { timeZone: 'Asia/Kolkata' }).batches
		);
		const lines = (await response.text()).split('\r\n');
		expect(lines[0]).toBe('Voted at (Asia/Kolkata),Voter,Voter email,Project,Project id');
		expect(lines[1].startsWith('2026-07-01 17:30:00,')).toBe(true);
	});

	it('the attendees CSV gives summer and winter times in the event zone, daylight saving included', async () => {
		const { event } = await ownedEvent('voting');
		const summer = await make.createUser({ email: 'summer@example.test' });
		const winter = await make.createUser({ email: 'winter@example.test' });
		await make.addAttendee(event.id, summer.id);
		await make.addAttendee(event.id, winter.id);
		const joined = async (userId: string, at: string) =>
			db.eventAttendee.update({
				where: { eventId_userId: { eventId: event.id, userId } },
				data: { joinedAt: new Date(at) }
			});
		await joined(summer.id, '2026-07-01T12:00:00Z');
		await joined(winter.id, '2026-12-05T13:00:00Z');
		const response = csvStreamResponse(
			'attendees.csv',
			attendeesCsvHeader('Europe/Paris'),
			exportAttendeesCsv(event.id, { timeZone: 'Europe/Paris' }).batches
		);
		const lines = (await response.text()).split('\r\n');
		expect(lines[0]).toContain('Joined at (Europe/Paris)');
		expect(lines.find((line) => line.includes('summer@example.test'))).toContain(',2026-07-01 14:00:00,');
		expect(lines.find((line) => line.includes('winter@example.test'))).toContain(',2026-12-05 14:00:00,');
	});
});
