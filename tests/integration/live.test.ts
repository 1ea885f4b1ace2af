import { afterEach, describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../src/lib/ranking';
import { setResultsRevealed } from '../../src/lib/server/leaderboard';
import { listenToDatabase } from '../../src/lib/server/db';
import { LiveFeed, readLiveSnapshot, type LiveUpdate } from '../../src/lib/server/live';
import { BALLOT_NOTICE_INTERVAL_MS, LIVE_CHANNEL } from '../../src/lib/server/live-channel';
import { changeEventPhase } from '../../src/lib/server/phases';
import { RuleViolation } from '../../src/lib/server/rules';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// Two app instances on one database are two processes, each with its own LiveFeed and its own LISTEN
// connection. Here they are two LiveFeed instances in one process: on a PostgreSQL server
// (TEST_DATABASE_URL) each holds its own connection, so a NOTIFY crosses connections exactly as it
// crosses processes; on the embedded database both listen to the one PGlite instance.

const feeds: LiveFeed[] = [];
afterEach(async () => {
	await Promise.all(feeds.splice(0).map((feed) => feed.close()));
});

function newInstance(options: ConstructorParameters<typeof LiveFeed>[0] = {}) {
	const feed = new LiveFeed({ intervalMs: 100, ...options });
	feeds.push(feed);
	return feed;
}

/** Collects the snapshots a feed delivers for an event. */
async function watch(feed: LiveFeed, eventId: string) {
	const seen: LiveSnapshot[] = [];
	await feed.subscribe(eventId, (update) => seen.push(update.snapshot));
	return seen;
}

async function until(check: () => boolean, ms = 5_000) {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out waiting for a live update');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

async function scene() {
	const event = await createEvent({ phase: 'submission' });
	const projects = [];
	for (let i = 0; i < 4; i++) projects.push(await createProject(event.id, { name: `P${i}` }));
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	const voters = [];
	for (let i = 0; i < 5; i++) {
		const voter = await createUser();
		await addAttendee(event.id, voter.id);
		voters.push(voter);
	}
	return { event, projects, voters };
}

describe('live updates', () => {
	it('reach the live views of two app instances on one database after a vote', async () => {
		const { event, projects, voters } = await scene();
		const first = await watch(newInstance(), event.id);
		const second = await watch(newInstance(), event.id);

		await castBallot(voters[0].id, event.id, [projects[2].id]);
		await until(() => first.length > 0 && second.length > 0);
		for (const seen of [first, second]) {
			const latest = seen.at(-1)!;
			expect(latest.ranking[0]).toMatchObject({ name: 'P2', votes: 1, score: 1, rank: 1 });
			expect(latest.turnout).toEqual({ voted: 1, attendees: 9 });
			expect(latest.phase).toBe('voting');
		}
	});

	it('carry phase changes and the projector reveal too', async () => {
		const { event } = await scene();
		const seen = await watch(newInstance(), event.id);
		await setResultsRevealed(event.ownerId, event.id, true);
		await until(() => seen.at(-1)?.revealed === true);
		await changeEventPhase(event.ownerId, event.id, 'closed');
		await until(() => seen.at(-1)?.phase === 'closed');
	});

	it('say nothing about a refused ballot: it changed nothing', async () => {
		const { event, projects, voters } = await scene();
		const seen = await watch(newInstance(), event.id);
		await expect(
			castBallot(
				voters[0].id,
				event.id,
				projects.map((p) => p.id)
			)
		).rejects.toBeInstanceOf(RuleViolation);
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(seen).toEqual([]);
	});

	it('recompute a burst of votes at most once per interval, shared by all viewers of the event', async () => {
		const { event, projects, voters } = await scene();
		let reads = 0;
		const feed = newInstance({
			intervalMs: 300,
			read: (eventId) => {
				reads++;
				return readLiveSnapshot(eventId);
			}
		});
		const a = await watch(feed, event.id);
		const b = await watch(feed, event.id);
		const started = Date.now();
		await Promise.all(voters.map((v, i) => castBallot(v.id, event.id, [projects[i % 4].id])));
		await until(() => a.at(-1)?.turnout.voted === 5);
		const elapsed = Date.now() - started;
		expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 1);
		expect(b.at(-1)).toEqual(a.at(-1));
	});

	it('open a thousand views of an event with one read, and serialise each update once for all of them', async () => {
		const { event, projects, voters } = await scene();
		let reads = 0;
		const feed = newInstance({
			read: (eventId) => {
				reads++;
				return readLiveSnapshot(eventId);
			}
		});
		const views = Array.from({ length: 1000 }, () => [] as LiveUpdate[]);
		// As the stream endpoint does: subscribe, then send the current snapshot.
		const firsts = await Promise.all(
			views.map(async (seen) => {
				await feed.subscribe(event.id, (update) => seen.push(update));
				return feed.current(event.id);
			})
		);
		expect(reads).toBe(1);
		expect(new Set(firsts.map((u) => u.message)).size).toBe(1);
		expect(JSON.parse(new TextDecoder().decode(firsts[0].message).replace(/^data: /, ''))).toEqual(
			firsts[0].snapshot
		);
		// A view opening later gets the latest update without a read of its own.
		await feed.subscribe(event.id, () => {});
		expect(await feed.current(event.id)).toBe(firsts[0]);
		expect(reads).toBe(1);

		await castBallot(voters[0].id, event.id, [projects[1].id]);
		await until(() => views.every((seen) => seen.length > 0));
		expect(reads).toBe(2);
		const update = views[0][0];
		expect(update.snapshot.turnout.voted).toBe(1);
		expect(update.seq).toBeGreaterThan(firsts[0].seq);
		expect(views.every((seen) => seen[0] === update)).toBe(true);
		expect(await feed.current(event.id)).toBe(update);
	});

	it('stop after the last viewer of an event leaves', async () => {
		const { event, projects, voters } = await scene();
		const feed = newInstance();
		const seen: LiveSnapshot[] = [];
		const unsubscribe = await feed.subscribe(event.id, (u) => seen.push(u.snapshot));
		unsubscribe();
		await castBallot(voters[0].id, event.id, [projects[0].id]);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(seen).toEqual([]);
	});

	it('hear a burst of ballots through at most one notice per event per half second, within 2 s of the last', async () => {
		const event = await createEvent({ phase: 'submission' });
		const projects = [];
		for (let i = 0; i < 4; i++) projects.push(await createProject(event.id, { name: `P${i}` }));
		await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
		const voters = [];
		for (let i = 0; i < 20; i++) {
			const voter = await createUser();
			await addAttendee(event.id, voter.id);
			voters.push(voter);
		}
		const notices: number[] = [];
		const stop = await listenToDatabase(LIVE_CHANNEL, (payload) => {
			if (payload === event.id) notices.push(Date.now());
		});
		try {
			// Two instances with the app's own interval.
			const first = await watch(newInstance({ intervalMs: undefined }), event.id);
			const second = await watch(newInstance({ intervalMs: undefined }), event.id);
			const started = Date.now();
			for (const [i, voter] of voters.entries()) {
				await castBallot(voter.id, event.id, [projects[i % 4].id]);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			const lastCast = Date.now();
			await until(() => [first, second].every((seen) => seen.at(-1)?.turnout.voted === 20), 2_000);
			expect(Date.now() - lastCast).toBeLessThanOrEqual(2_000);
			// Let the last notice of the burst arrive, then count them.
			await new Promise((resolve) => setTimeout(resolve, BALLOT_NOTICE_INTERVAL_MS + 200));
			const span = notices.at(-1)! - started;
			expect(notices.length).toBeGreaterThan(0);
			expect(notices.length).toBeLessThanOrEqual(Math.floor(span / BALLOT_NOTICE_INTERVAL_MS) + 2);
			expect(notices.length).toBeLessThan(voters.length / 2);
		} finally {
			await stop();
		}
	});

	it("are not announced from inside the ballot's own transaction (it would serialise commits)", async () => {
		const { event, projects, voters } = await scene();
		const notices: string[] = [];
		const stop = await listenToDatabase(LIVE_CHANNEL, (payload) => notices.push(payload));
		try {
			await db.$queryRaw`SELECT outcome FROM cast_ballot(${voters[0].id}::uuid, ${event.id}::uuid, NULL,
				${[projects[1].id]}::uuid[])`;
			await new Promise((resolve) => setTimeout(resolve, 600));
			expect(notices).not.toContain(event.id);
			expect(await db.vote.count({ where: { eventId: event.id } })).toBe(1);
		} finally {
			await stop();
		}
	});
});
