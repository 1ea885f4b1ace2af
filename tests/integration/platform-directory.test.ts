import { describe, expect, it } from 'vitest';
import type { EventPhase } from '../../src/lib/server/generated/prisma/client';
import {
	decodeCursor,
	EVENTS_PAGE_SIZE,
	getEventOverview,
	listEvents,
	readEventFilters
} from '../../src/lib/server/platform/events';
import { eventFiltersSchema } from '../../src/lib/schemas/platform-events';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// The events directory: filters, keyset paging, counts and the health flags an operator acts on.

const filters = (input: Record<string, string> = {}) => eventFiltersSchema.parse(input);
const HOUR = 60 * 60 * 1000;

async function ownerWithEvents(phases: EventPhase[]) {
	const owner = await make.createUser();
	const events = [];
	for (const phase of phases) events.push(await make.createEvent({ ownerId: owner.id, phase }));
	return { owner, events };
}

async function movedToVotingAt(event: { id: string; name: string }, at: Date) {
	await db.eventAuditLog.create({
		data: {
			eventId: event.id,
			eventName: event.name,
			actorName: 'Owner',
			action: 'phase_changed',
			summary: 'Moved the event from submission to voting.',
			details: { from: 'submission', to: 'voting' },
			createdAt: at
		}
	});
}

async function attendees(eventId: string, n: number) {
	const people = [];
	for (let i = 0; i < n; i++) {
		const person = await make.createUser();
		await make.addAttendee(eventId, person.id);
		people.push(person);
	}
	return people;
}

describe('the events directory', () => {
	it('shows each event with its owner, counts, ballots, turnout and last activity', async () => {
		const { owner, events } = await ownerWithEvents(['closed']);
		const [event] = events;
		const projects = await Promise.all([1, 2, 3, 4].map(() => make.createProject(event.id)));
		await make.createVote(projects[0].ownerId, projects[1].id);
		await make.createVote(projects[0].ownerId, projects[2].id);
		const lastVote = await make.createVote(projects[1].ownerId, projects[0].id);
		const { rows } = await listEvents(filters({ owner: owner.email }));
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			id: event.id,
			owner: { id: owner.id, email: owner.email },
			phase: 'closed',
			attendees: 4,
			projects: 4,
			voters: 2,
			votes: 3,
			turnout: 50,
			lastActivity: lastVote.createdAt,
			flags: []
		});
	});

	it('flags voting for over an hour with no ballots, closed under 50 % turnout, and drafts with attendees', async () => {
		const now = new Date();
		const { owner, events } = await ownerWithEvents([
			'voting',
			'voting',
			'voting',
			'closed',
			'closed',
			'draft',
			'draft'
		]);
		const [staleVoting, freshVoting, votedVoting, lowClosed, halfClosed, busyDraft] = events;
		await movedToVotingAt(staleVoting, new Date(now.getTime() - 2 * HOUR));
		await movedToVotingAt(freshVoting, new Date(now.getTime() - 0.5 * HOUR));
		await movedToVotingAt(votedVoting, new Date(now.getTime() - 2 * HOUR));
		const [a, b] = await Promise.all([
			make.createProject(votedVoting.id),
			make.createProject(votedVoting.id)
		]);
		await make.createVote(a.ownerId, b.id);
		const low = await Promise.all([1, 2, 3].map(() => make.createProject(lowClosed.id)));
		await make.createVote(low[0].ownerId, low[1].id);
		const half = await Promise.all([1, 2].map(() => make.createProject(halfClosed.id)));
		await make.createVote(half[0].ownerId, half[1].id);
		await attendees(busyDraft.id, 1);

		const { rows } = await listEvents(filters({ owner: owner.email }), undefined, now);
		const flagsOf = new Map(rows.map((row) => [row.id, row.flags]));
		expect(flagsOf.get(staleVoting.id)).toEqual(['voting_without_ballots']);
		expect(flagsOf.get(freshVoting.id)).toEqual([]);
		expect(flagsOf.get(votedVoting.id)).toEqual([]);
		expect(flagsOf.get(lowClosed.id)).toEqual(['low_turnout']);
		expect(flagsOf.get(halfClosed.id)).toEqual([]);
		expect(flagsOf.get(busyDraft.id)).toEqual(['draft_with_attendees']);
		expect(flagsOf.get(events[6].id)).toEqual([]);

		const flagged = await listEvents(filters({ owner: owner.email, flagged: 'on' }), undefined, now);
		expect(flagged.rows.map((r) => r.id).sort()).toEqual([staleVoting.id, lowClosed.id, busyDraft.id].sort());
		expect(flagged.scanned).toBe(7);
		expect(flagged.next).toBeUndefined();
	});

	it('counts voting time from creation for an event without a phase change in its log (imported)', async () => {
		const { owner, events } = await ownerWithEvents(['voting']);
		const now = new Date(events[0].createdAt.getTime() + 2 * HOUR);
		const { rows } = await listEvents(filters({ owner: owner.email }), undefined, now);
		expect(rows[0].flags).toEqual(['voting_without_ballots']);
	});

	it('filters by phase, owner, created dates and deletion', async () => {
		const { owner, events } = await ownerWithEvents(['draft', 'submission', 'voting', 'closed']);
		const [old, , , gone] = events;
		await db.event.update({ where: { id: old.id }, data: { createdAt: new Date('2024-03-10T12:00:00Z') } });
		await db.event.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
		const ids = async (input: Record<string, string>) =>
			(await listEvents(filters({ owner: owner.email, ...input }))).rows.map((r) => r.id).sort();
		expect(await ids({})).toEqual([events[0].id, events[1].id, events[2].id].sort());
		expect(await ids({ phase: 'voting' })).toEqual([events[2].id]);
		expect(await ids({ deleted: 'only' })).toEqual([gone.id]);
		expect(await ids({ deleted: 'include' })).toEqual(events.map((e) => e.id).sort());
		expect(await ids({ to: '2024-03-10' })).toEqual([old.id]);
		expect(await ids({ from: '2024-03-11' })).toEqual([events[1].id, events[2].id].sort());
		expect(await ids({ from: '2024-03-10', to: '2024-03-10' })).toEqual([old.id]);
		expect(await listEvents(filters({ owner: 'nobody@example.test' }))).toMatchObject({ rows: [] });
	});

	it('pages newest first by keyset, without repeats or gaps', async () => {
		const { owner } = await ownerWithEvents([]);
		const base = Date.parse('2025-06-01T00:00:00Z');
		// Ten events share one instant: the id breaks the tie.
		await db.event.createMany({
			data: Array.from({ length: EVENTS_PAGE_SIZE + 10 }, (_, i) => ({
				name: `Paged ${i}`,
				slug: `paged-${owner.id}-${i}`,
				joinCode: `P${owner.id.slice(0, 4)}${i}`.toUpperCase(),
				ownerId: owner.id,
				createdAt: new Date(base + Math.max(0, i - 10) * 1000)
			}))
		});
		const first = await listEvents(filters({ owner: owner.email }));
		expect(first.rows).toHaveLength(EVENTS_PAGE_SIZE);
		expect(first.next).toBeDefined();
		const second = await listEvents(filters({ owner: owner.email }), decodeCursor(first.next!));
		expect(second.rows).toHaveLength(10);
		expect(second.next).toBeUndefined();
		const all = [...first.rows, ...second.rows];
		expect(new Set(all.map((r) => r.id)).size).toBe(EVENTS_PAGE_SIZE + 10);
		const times = all.map((r) => r.createdAt.getTime());
		expect(times).toEqual([...times].sort((a, b) => b - a));
	});

	it('reads its filters leniently: a bad one is explained and left out, a bad cursor starts from the top', () => {
		const read = readEventFilters(
			new URLSearchParams({ phase: 'sleeping', owner: 'NOT AN EMAIL', from: '2025-02-30', deleted: 'only' })
		);
		expect(Object.keys(read.errors).sort()).toEqual(['from', 'owner', 'phase']);
		expect(read.filters).toEqual({ deleted: 'only', flagged: false });
		expect(readEventFilters(new URLSearchParams({ owner: ' Ada@Example.TEST ' })).filters.owner).toBe(
			'ada@example.test'
		);
		expect(decodeCursor('garbage')).toBeUndefined();
		expect(decodeCursor(null)).toBeUndefined();
		expect(decodeCursor(`2025-01-01T00:00:00.000Z_${crypto.randomUUID()}`)).toBeDefined();
	});
});

describe("one event's overview", () => {
	it('gives the facts, owner, counts, flags and what platform admins did', async () => {
		const { owner, events } = await ownerWithEvents(['draft']);
		await attendees(events[0].id, 2);
		await db.platformAuditLog.create({
			data: {
				actorName: 'Admin',
				action: 'event_restored',
				summary: 'Restored.',
				targetEventId: events[0].id
			}
		});
		const overview = await getEventOverview(events[0].id);
		expect(overview).toMatchObject({
			id: events[0].id,
			owner: { id: owner.id, email: owner.email, deletedAt: null },
			stats: { attendees: 2, projects: 0, voters: 0, turnout: 0 },
			flags: ['draft_with_attendees'],
			history: [{ action: 'event_restored', summary: 'Restored.' }]
		});
	});

	it('is not found for an unknown or malformed id', async () => {
		for (const id of [crypto.randomUUID(), 'nope', "'; DROP TABLE events; --"]) {
			const error = await getEventOverview(id).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(RuleViolation);
			expect((error as RuleViolation).status).toBe(404);
		}
	});
});
