import { render } from 'svelte/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardRangeSchema } from '../../src/lib/schemas/dashboard';
import {
	countActivityByMonth,
	countEventsByMonth,
	countHeadlines,
	countSignUpsByMonth,
	listTopReferrals,
	listVotingNow,
	loadDashboard,
	resolveMonthRange,
	summariseTurnout
} from '../../src/lib/server/platform/dashboard';
import DashboardPage from '../../src/routes/admin/+page.svelte';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// The dashboard's figures on a scene small enough to count by hand. "Now" is fixed, so that the range and
// "the last 10 minutes" are too. The first tests run on the file's empty database, before the scene exists.

const NOW = new Date('2026-06-15T12:00:00Z');
const RANGE = resolveMonthRange({ from: '2026-01', to: '2026-06' }, NOW);
const at = (iso: string) => new Date(iso);
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

/** Renders the dashboard page as the server sends it (no JavaScript), with the load's data. */
async function renderPage(range = RANGE) {
	const data = {
		range: { from: range.from, to: range.to, months: range.months },
		asked: {},
		rangeErrors: {} as Record<string, string>,
		maxAgeSeconds: 60,
		...(await loadDashboard(range, NOW))
	};
	// The layout's data is not read by the page; the page's own is all it needs.
	const { body } = render(DashboardPage, { props: { data: data as never } });
	return body.replace(/\s+/g, ' ');
}

describe('the month range', () => {
	it('is the last 12 months by default, in UTC', () => {
		const range = resolveMonthRange({}, at('2026-06-30T23:59:00-05:00')); // already July in UTC
		expect(range).toMatchObject({ from: '2025-08', to: '2026-07' });
		expect(range.months).toHaveLength(12);
		expect(range.start.toISOString()).toBe('2025-08-01T00:00:00.000Z');
		expect(range.end.toISOString()).toBe('2026-08-01T00:00:00.000Z');
	});

	it('completes a lone month to twelve, and keeps at most sixty', () => {
		expect(resolveMonthRange({ from: '2025-11' }, NOW)).toMatchObject({ from: '2025-11', to: '2026-10' });
		expect(resolveMonthRange({ to: '2026-02' }, NOW)).toMatchObject({ from: '2025-03', to: '2026-02' });
		expect(resolveMonthRange({ from: '2026-03', to: '2026-03' }, NOW).months).toEqual(['2026-03']);
		expect(resolveMonthRange({ from: '2000-01', to: '2026-06' }, NOW)).toMatchObject({
			from: '2021-07',
			to: '2026-06'
		});
	});

	it('refuses months that are not YYYY-MM, backwards ranges and more than 60 months', () => {
		expect(dashboardRangeSchema.safeParse({ from: '', to: ' 2026-01 ' }).data).toEqual({ to: '2026-01' });
		for (const bad of [
			{ from: '2026-13' },
			{ from: 'last year' },
			{ to: '2026-1' },
			{ from: '2026-05', to: '2026-04' },
			{ from: '2020-01', to: '2025-01' }
		]) {
			expect(dashboardRangeSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
		}
		expect(dashboardRangeSchema.safeParse({ from: '2020-02', to: '2025-01' }).success).toBe(true);
	});
});

describe('on an empty database', () => {
	it('has zeros everywhere and no rows to list', async () => {
		const data = await loadDashboard(RANGE, NOW);
		expect(data.headlines).toEqual({
			people: 0,
			events: 0,
			deletedEvents: 0,
			projects: 0,
			votes: 0,
			votesEstimated: false
		});
		expect(data.eventsByMonth).toHaveLength(6);
		expect(data.eventsByMonth.every((m) => m.draft + m.submission + m.voting + m.closed === 0)).toBe(true);
		expect(data.activityByMonth.every((m) => m.joins + m.projects === 0)).toBe(true);
		expect(data.signUpsByMonth.every((m) => m.signUps + m.total === 0)).toBe(true);
		expect(data.turnout).toMatchObject({ events: 0, ballots: 0, attendees: 0 });
		expect(data.turnout.buckets.map((b) => b.events)).toEqual(Array(10).fill(0));
		expect(data.referrals).toEqual([]);
		expect(data.votingNow).toEqual({ events: [], total: 0 });
	});

	it('says there are no events, and draws no chart: each one says it has nothing to show', async () => {
		const html = await renderPage();
		expect(html).toContain('There are no events yet');
		expect(html).toContain('No event is in voting right now.');
		expect(html).not.toContain('<svg');
		expect(html.match(/data-testid="chart-empty"/g)).toHaveLength(7);
		expect(html).not.toMatch(/NaN|undefined|Infinity/);
	});
});

/** Sets when rows were made, as the scene needs it (the app always stamps "now"). */
async function stamp(
	users: Record<string, { id: string }>,
	createdAt: Record<string, string>
): Promise<void> {
	for (const [name, iso] of Object.entries(createdAt)) {
		await db.user.update({ where: { id: users[name].id }, data: { createdAt: at(iso) } });
	}
}

async function event(
	name: string,
	phase: 'draft' | 'submission' | 'voting' | 'closed',
	ownerId: string,
	createdAt: string
) {
	const created = await make.createEvent({ ownerId, name, phase });
	return db.event.update({ where: { id: created.id }, data: { createdAt: at(createdAt) } });
}

async function join(eventId: string, userId: string, joinedAt: string, referral?: string) {
	await db.eventAttendee.create({ data: { eventId, userId, joinedAt: at(joinedAt) } });
	if (referral) {
		await db.referral.create({ data: { eventId, userId, content: referral, createdAt: at(joinedAt) } });
	}
}

async function project(eventId: string, ownerId: string, createdAt: string) {
	const created = await make.createProject(eventId, { ownerId });
	return db.project.update({ where: { id: created.id }, data: { createdAt: at(createdAt) } });
}

/**
 * Eight events, one of them soft-deleted and one created just before the range:
 *   E1 closed, Jan: A B C D join (Jan 12), A and B submit (Jan 13), C and D vote: turnout 2/4 = 50 %.
 *   E7 closed, Feb: I J join, nobody votes: 0 %.           E5 closed, Feb, soft-deleted: K joins, submits.
 *   E2 voting, Mar: F G H join, F G submit, all three vote: 100 %; ballots 2 and 9 minutes ago, one 11.
 *   E3 submission, Mar 20: L M join in April, L submits.   E8 closed, Apr: no attendees.
 *   E4 draft, Jun.                                          E6 closed, 2025-12-31 23:30 UTC: N joins, submits.
 */
async function scene() {
	const people: Record<string, { id: string }> = {};
	for (const name of ['O', 'A', 'B', 'C', 'D', 'I', 'J', 'K', 'F', 'G', 'H', 'L', 'M', 'N']) {
		people[name] = await make.createUser({
			firstName: name,
			email: `dash-${name.toLowerCase()}@example.test`
		});
	}
	await stamp(people, {
		O: '2025-11-01T10:00:00Z',
		N: '2025-12-20T10:00:00Z',
		A: '2026-01-02T10:00:00Z',
		B: '2026-01-03T10:00:00Z',
		C: '2026-01-04T10:00:00Z',
		D: '2026-01-31T23:59:00Z',
		I: '2026-02-01T00:00:00Z',
		J: '2026-02-10T10:00:00Z',
		K: '2026-02-11T10:00:00Z',
		F: '2026-03-01T10:00:00Z',
		G: '2026-03-02T10:00:00Z',
		H: '2026-03-03T10:00:00Z',
		L: '2026-04-01T10:00:00Z',
		M: '2026-04-02T10:00:00Z'
	});
	await db.user.update({ where: { id: people.M.id }, data: { deletedAt: at('2026-05-01T10:00:00Z') } });
	const o = people.O.id;

	const e1 = await event('E1', 'closed', o, '2026-01-10T10:00:00Z');
	for (const [name, answer] of [
		['A', '  Hack Club  Slack '],
		['B', 'hack club slack'],
		['C', 'Friend'],
		['D', undefined]
	] as const) {
		await join(e1.id, people[name].id, '2026-01-12T10:00:00Z', answer);
	}
	const p1 = await project(e1.id, people.A.id, '2026-01-13T10:00:00Z');
	const p2 = await project(e1.id, people.B.id, '2026-01-13T11:00:00Z');
	await make.createVote(people.C.id, p1.id);
	await make.createVote(people.D.id, p2.id);

	const e7 = await event('E7', 'closed', o, '2026-02-02T10:00:00Z');
	await join(e7.id, people.I.id, '2026-02-03T10:00:00Z');
	await join(e7.id, people.J.id, '2026-02-03T11:00:00Z');

	const e5 = await event('E5', 'closed', o, '2026-02-01T10:00:00Z');
	await join(e5.id, people.K.id, '2026-02-02T10:00:00Z', 'Instagram');
	await project(e5.id, people.K.id, '2026-02-02T11:00:00Z');

	const e2 = await event('E2', 'voting', o, '2026-03-05T10:00:00Z');
	await join(e2.id, people.F.id, '2026-03-06T10:00:00Z', 'friend');
	await join(e2.id, people.G.id, '2026-03-06T11:00:00Z', 'FRIEND ');
	await join(e2.id, people.H.id, '2026-03-06T12:00:00Z', ' Instagram');
	const pF = await project(e2.id, people.F.id, '2026-03-07T10:00:00Z');
	const pG = await project(e2.id, people.G.id, '2026-03-07T11:00:00Z');
	await make.createVote(people.F.id, pG.id);
	await make.createVote(people.G.id, pF.id);
	await make.createVote(people.H.id, pF.id);
	for (const [name, minutes] of [
		['F', 2],
		['G', 9],
		['H', 11]
	] as const) {
		await db.eventAttendee.update({
			where: { eventId_userId: { eventId: e2.id, userId: people[name].id } },
			data: { ballotSavedAt: minutesAgo(minutes) }
		});
	}

	const e3 = await event('E3', 'submission', o, '2026-03-20T10:00:00Z');
	await join(e3.id, people.L.id, '2026-04-01T10:00:00Z', 'instagram');
	await join(e3.id, people.M.id, '2026-04-01T11:00:00Z');
	await project(e3.id, people.L.id, '2026-04-02T10:00:00Z');

	await event('E8', 'closed', o, '2026-04-10T10:00:00Z');
	await event('E4', 'draft', o, '2026-06-01T10:00:00Z');

	const e6 = await event('E6', 'closed', o, '2025-12-31T23:30:00Z');
	await join(e6.id, people.N.id, '2025-12-31T23:45:00Z', 'Instagram');
	await project(e6.id, people.N.id, '2026-01-01T00:30:00Z'); // in the range: a project of an older event

	await db.event.update({ where: { id: e5.id }, data: { deletedAt: at('2026-05-01T10:00:00Z') } });
	return { e2 };
}

describe('on a known scene', () => {
	let e2: { id: string };
	beforeAll(async () => {
		({ e2 } = await scene());
	});

	it('counts events per month by the phase they are in now, leaving out the soft-deleted one', async () => {
		expect(await countEventsByMonth(RANGE)).toEqual([
			{ month: '2026-01', draft: 0, submission: 0, voting: 0, closed: 1 },
			{ month: '2026-02', draft: 0, submission: 0, voting: 0, closed: 1 },
			{ month: '2026-03', draft: 0, submission: 1, voting: 1, closed: 0 },
			{ month: '2026-04', draft: 0, submission: 0, voting: 0, closed: 1 },
			{ month: '2026-05', draft: 0, submission: 0, voting: 0, closed: 0 },
			{ month: '2026-06', draft: 1, submission: 0, voting: 0, closed: 0 }
		]);
	});

	it('counts joins and projects per month, by when they happened, not by their event', async () => {
		expect(await countActivityByMonth(RANGE)).toEqual([
			{ month: '2026-01', joins: 4, projects: 3 },
			{ month: '2026-02', joins: 2, projects: 0 },
			{ month: '2026-03', joins: 3, projects: 2 },
			{ month: '2026-04', joins: 2, projects: 1 },
			{ month: '2026-05', joins: 0, projects: 0 },
			{ month: '2026-06', joins: 0, projects: 0 }
		]);
	});

	it('counts sign-ups per month in UTC, with the running total from before the range', async () => {
		expect(await countSignUpsByMonth(RANGE)).toEqual([
			{ month: '2026-01', signUps: 4, total: 6 },
			{ month: '2026-02', signUps: 3, total: 9 },
			{ month: '2026-03', signUps: 3, total: 12 },
			{ month: '2026-04', signUps: 2, total: 14 },
			{ month: '2026-05', signUps: 0, total: 14 },
			{ month: '2026-06', signUps: 0, total: 14 }
		]);
	});

	it('puts each event that reached voting, with attendees, in its turnout bucket', async () => {
		const turnout = await summariseTurnout(RANGE);
		expect(turnout).toMatchObject({ events: 3, ballots: 5, attendees: 9 });
		expect(turnout.buckets.map((b) => b.events)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
		expect(turnout.buckets[9]).toEqual({ from: 90, to: 100, events: 1 });
		// Only March: E2 alone.
		const march = await summariseTurnout(resolveMonthRange({ from: '2026-03', to: '2026-03' }, NOW));
		expect(march.buckets.map((b) => b.events)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
	});

	it('caps turnout at 100 % when a voter has left the event but their votes stay', async () => {
		const h = await db.user.findUniqueOrThrow({ where: { email: 'dash-h@example.test' } });
		// Removing an attendee keeps their votes unless the owner removes those too.
		try {
			await db.eventAttendee.delete({ where: { eventId_userId: { eventId: e2.id, userId: h.id } } });
			const march = await summariseTurnout(resolveMonthRange({ from: '2026-03', to: '2026-03' }, NOW));
			expect(march).toMatchObject({ events: 1, ballots: 2, attendees: 2 });
			expect(march.buckets[9].events).toBe(1);
		} finally {
			await db.eventAttendee.create({
				data: {
					eventId: e2.id,
					userId: h.id,
					joinedAt: at('2026-03-06T12:00:00Z'),
					ballotSavedAt: minutesAgo(11)
				}
			});
		}
	});

	it('ranks referral answers across events, normalised, without the soft-deleted event or other months', async () => {
		expect(await listTopReferrals(RANGE)).toEqual([
			{ answer: 'friend', count: 3 },
			{ answer: 'hack club slack', count: 2 },
			{ answer: 'instagram', count: 2 }
		]);
		expect(await listTopReferrals(RANGE, 1)).toEqual([{ answer: 'friend', count: 3 }]);
	});

	it('lists the events in voting now with live turnout and the ballots of the last 10 minutes', async () => {
		expect(await listVotingNow(NOW)).toEqual({
			events: [
				{ id: e2.id, name: 'E2', slug: expect.any(String), attendees: 3, voters: 3, recentBallots: 2 }
			],
			total: 1
		});
	});

	it('has headline figures without soft-deleted events or deleted people', async () => {
		expect(await countHeadlines()).toEqual({
			people: 13,
			events: 7,
			deletedEvents: 1,
			projects: 6,
			votes: 5,
			votesEstimated: false
		});
	});

	it('draws every chart, says what it leaves out, and links to the owner pages of the event in voting', async () => {
		const html = await renderPage();
		expect(html).not.toContain('There are no events yet');
		expect(html).not.toContain('data-testid="chart-empty"');
		expect(html.match(/<svg /g)).toHaveLength(7);
		expect(html.match(/<title id="[^"]+">/g)).toHaveLength(7);
		expect(html.match(/<desc id="[^"]+">/g)).toHaveLength(7);
		expect(html).toContain('Soft-deleted events (1)');
		expect(html).toContain(
			`/events/${(await db.event.findUniqueOrThrow({ where: { id: e2.id } })).slug}/admin`
		);
		expect(html).toContain('3 of 3 attendees have voted (100%)');
		expect(html).toContain('2 ballots in the last 10 minutes');
		// The legend names the phases; the tables carry the numbers.
		for (const label of ['Draft', 'Submissions open', 'Voting open', 'Closed']) expect(html).toContain(label);
		expect(html).toContain('hack club slack');
		expect(html).toContain('<title>Mar 2026: 1 voting open</title>');
		expect(html).toContain('<title>90%–100%: 1 events</title>');
		expect(html).not.toMatch(/NaN|Infinity/);
	});
});

describe('the figures reused for a minute', () => {
	it('serve the same monthly figures within the age asked for, while "voting now" stays live', async () => {
		const range = resolveMonthRange({ from: '2020-01', to: '2020-12' }, NOW);
		const first = await loadDashboard(range, NOW, { maxAgeMs: 60_000 });
		const owner = await make.createUser();
		const added = await make.createEvent({ ownerId: owner.id, phase: 'voting' });
		const again = await loadDashboard(range, NOW, { maxAgeMs: 60_000 });
		expect(again.headlines).toEqual(first.headlines);
		expect(again.votingNow.events.map((e) => e.id)).toContain(added.id);
		const fresh = await loadDashboard(range, NOW);
		expect(fresh.headlines.events).toBe(first.headlines.events + 1);
	});
});
