import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import pg from 'pg';
import { toWallTime } from '../../src/lib/time-zones';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { dropDatabase, migrateTemplate, urlFor } from '../setup/server';
import { OwnServer } from './helpers/own-server';
import { createEvent, submitProject } from './helpers/voting';

// Scheduled phase changes with two app processes on one database, as behind a load balancer: the owner
// schedules on one, both tick, the change is made once (one audit row), on time, and a change that came
// due while every process was down is made by the first one back.

const databaseUrl = process.env.DATABASE_URL?.trim();
test.skip(
	!databaseUrl,
	'Two instances need a PostgreSQL server (the embedded database belongs to one process): run with DATABASE_URL.'
);
test.describe.configure({ mode: 'serial' });

// A database of this file's own, so that the two instances below are the only ones ticking on it (the
// suite's main server, on DATABASE_URL, runs a scheduler too).
const ownDatabase = `podium_schedule_e2e_${process.pid}`;
const ownUrl = databaseUrl ? urlFor(databaseUrl, ownDatabase) : '';
const INTERVAL_MS = 250;
const outbox = mkdtempSync(path.join(tmpdir(), 'podium-schedule-outbox-'));
const env = {
	DATABASE_URL: ownUrl,
	MAIL_OUTBOX_DIR: outbox,
	LOG_LEVEL: 'warn',
	SCHEDULER_INTERVAL_MS: String(INTERVAL_MS)
};
const a = new OwnServer(env);
const b = new OwnServer(env);
// The ports this suite may use besides the main server's (E2E_PORT).
const base = Number(process.env.E2E_PORT ?? 4173);
a.port = base + 1;
b.port = base + 2;
const sql = new pg.Pool({ connectionString: ownUrl, max: 2 });

test.beforeAll(async () => {
	test.setTimeout(60_000);
	await migrateTemplate(databaseUrl!, ownDatabase);
	await Promise.all([a.start(), b.start()]);
});

test.afterAll(async () => {
	await Promise.all([a.dispose(), b.dispose()]);
	await sql.end();
	if (databaseUrl) await dropDatabase(databaseUrl, ownDatabase);
	rmSync(outbox, { recursive: true, force: true });
});

async function personOn(browser: Browser, server: OwnServer, name: string, timezoneId = 'Europe/Paris') {
	const context = await browser.newContext({ baseURL: server.origin, timezoneId });
	const page = await context.newPage();
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(context, email, {
		origin: server.origin,
		outboxDir: outbox,
		profile: { firstName: name, lastName: 'Tester' }
	});
	return Object.assign(page, { email });
}

async function eventRow(slug: string) {
	const { rows } = await sql.query<{ id: string; phase: string }>(
		'SELECT id::text AS id, phase FROM events WHERE slug = $1',
		[slug]
	);
	return rows[0];
}

async function phaseChanges(eventId: string) {
	const { rows } = await sql.query<{ summary: string; created_at: Date; details: { dueAt: string } }>(
		`SELECT summary, created_at, details FROM event_audit_log
		 WHERE event_id = $1 AND action = 'phase_changed' ORDER BY created_at`,
		[eventId]
	);
	return rows;
}

/** Polls until the event is in `phase`; returns when that was seen. */
async function waitForPhase(slug: string, phase: string, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if ((await eventRow(slug)).phase === phase) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`the event did not reach ${phase} within ${timeoutMs} ms`);
}

/** The voting reminders in the outbox to `email`. */
function reminders(email: string) {
	return readdirSync(outbox)
		.map((file) => readFileSync(path.join(outbox, file), 'utf8'))
		.filter((raw) => raw.includes(`To: ${email}`) && raw.includes('Subject: Voting closes in')).length;
}

let slug = '';

test('the owner schedules on one instance; the change is made once, on time, and the ballot counts down', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const owner = await personOn(browser, a, 'Olga');
	const created = await createEvent(owner, 'Scheduled Jam');
	slug = created.slug;
	const voter = await personOn(browser, b, 'Vic', 'America/New_York');
	await submitProject(voter, created.joinLink, 'Vic Widget');
	const other = await personOn(browser, b, 'Ann');
	await submitProject(other, created.joinLink, 'Ann Gadget');

	// The form, as the owner fills it in: times in the event's zone, an hour ahead.
	await owner.goto(`/events/${slug}/admin`);
	const inAnHour = toWallTime(new Date(Date.now() + 3_600_000), 'Europe/Paris');
	const inTwoHours = toWallTime(new Date(Date.now() + 7_200_000), 'Europe/Paris');
	await owner.getByLabel('Time zone').selectOption('Europe/Paris');
	await owner.getByLabel('Submissions close and voting opens at').fill(inAnHour);
	await owner.getByLabel('Voting closes at').fill(inTwoHours);
	await owner.getByRole('button', { name: 'Save dates and schedule' }).click();
	await expect(owner.getByRole('status')).toHaveText('Dates and schedule saved.');
	await expect(owner.getByTestId('pending-schedule')).toContainText('(Europe/Paris)');

	// A time in the past is refused in words, the form keeps what was typed, and nothing changes.
	const anHourAgo = toWallTime(new Date(Date.now() - 3_600_000), 'Europe/Paris');
	await owner.getByLabel('Submissions close and voting opens at').fill(anHourAgo);
	await owner.getByRole('button', { name: 'Save dates and schedule' }).click();
	await expect(owner.getByRole('alert')).toContainText('"Voting opens at" has already passed');
	await expect(owner.getByLabel('Submissions close and voting opens at')).toHaveValue(anHourAgo);
	// Closing before opening: the field says so.
	await owner.getByLabel('Submissions close and voting opens at').fill(inTwoHours);
	await owner.getByLabel('Voting closes at').fill(inAnHour);
	await owner.getByRole('button', { name: 'Save dates and schedule' }).click();
	await expect(owner.getByText('Voting must close after it opens.')).toBeVisible();

	// The event page shows the schedule in the venue's zone and in the viewer's own (New York).
	await voter.goto(`/events/${slug}`);
	await expect(voter.getByTestId('voting-opens')).toContainText('(Europe/Paris');
	await expect(voter.getByTestId('voting-opens').getByTestId('viewer-time')).toContainText('your time');

	// An hour is long for a test: the opening is moved to three seconds from now, as the clock would.
	const event = await eventRow(slug);
	const {
		rows: [{ due }]
	} = await sql.query<{ due: Date }>(
		`UPDATE events SET voting_opens_at = now() + interval '3 seconds' WHERE id = $1 RETURNING voting_opens_at AS due`,
		[event.id]
	);
	expect((await eventRow(slug)).phase).toBe('submission');
	await waitForPhase(slug, 'voting');
	// Both instances ticked through the due time, four times a second each: one change, one audit row.
	await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL_MS));
	const changes = await phaseChanges(event.id);
	expect(changes).toHaveLength(1);
	expect(changes[0].summary).toMatch(/^Moved the event from submission to voting, as scheduled for /);
	const late = changes[0].created_at.getTime() - due.getTime();
	expect(late, 'made within a tick of its time').toBeGreaterThanOrEqual(0);
	expect(late).toBeLessThan(INTERVAL_MS + 1_000);
	console.log(`The scheduled opening was made ${late} ms after its time`);

	// Voting now closes in five minutes: the ballot page (on the other instance) counts it down, second by
	// second in the browser, and the attendees who have not voted get their reminder, once each.
	await sql.query(`UPDATE events SET voting_closes_at = now() + interval '5 minutes' WHERE id = $1`, [
		event.id
	]);
	await voter.goto(`/events/${slug}/vote`);
	const timeLeft = voter.getByTestId('time-left');
	await expect(timeLeft).toContainText(/4 min \d+ s left to vote/);
	await expect(timeLeft).toContainText('(Europe/Paris)');
	const shown = (await timeLeft.textContent())!;
	await expect(timeLeft).not.toHaveText(shown, { timeout: 3_000 });
	await expect.poll(() => reminders(voter.email), { timeout: 5_000 }).toBe(1);
	await expect.poll(() => reminders(other.email), { timeout: 5_000 }).toBe(1);
	await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL_MS));
	expect(reminders(voter.email) + reminders(other.email) + reminders(owner.email)).toBe(2);
});

test('a close that came due while every instance was down is made by the first one back, once', async () => {
	test.setTimeout(150_000);
	const event = await eventRow(slug);
	await Promise.all([a.stop(), b.stop()]);
	await sql.query(`UPDATE events SET voting_closes_at = now() + interval '1 second' WHERE id = $1`, [
		event.id
	]);
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	expect((await eventRow(slug)).phase).toBe('voting');
	await Promise.all([a.start(), b.start()]);
	await waitForPhase(slug, 'closed', 5_000);
	await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL_MS));
	const changes = await phaseChanges(event.id);
	expect(changes.map((c) => c.summary.split(',')[0])).toEqual([
		'Moved the event from submission to voting',
		'Moved the event from voting to closed'
	]);
});
