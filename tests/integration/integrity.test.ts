import { describe, expect, it } from 'vitest';
import {
	FAST_BALLOT_MS,
	IDENTICAL_BALLOTS_MIN,
	listIntegrityFlags,
	listReviewFlags,
	RECIPROCAL_MIN_BALLOTS,
	SAME_CLIENT_MIN,
	type IntegritySignal
} from '../../src/lib/server/results/integrity';
import { recordBallotServed } from '../../src/lib/server/results/receipts';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, addCollaborator, createEvent, createProject, createUser } from '../helpers/factories';

const HOUR = 3_600_000;

/** An event in voting with `count` projects, opened for voting an hour ago (as the audit log says). */
async function scene(count = 6) {
	const event = await createEvent({ phase: 'submission' });
	const projects = [];
	for (let i = 0; i < count; i++) projects.push(await createProject(event.id, { name: `Project ${i + 1}` }));
	const opened = new Date(Date.now() - HOUR);
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	await db.eventAuditLog.create({
		data: {
			eventId: event.id,
			eventName: event.name,
			actorName: 'Owner <owner@example.test>',
			action: 'phase_changed',
			summary: 'Moved the event from submission to voting.',
			details: { from: 'submission', to: 'voting' },
			createdAt: opened
		}
	});
	// Everyone made so far (owners of projects) joined and signed up well before voting opened.
	const earlier = new Date(opened.getTime() - HOUR);
	await db.eventAttendee.updateMany({ where: { eventId: event.id }, data: { joinedAt: earlier } });
	await db.user.updateMany({
		where: { attendances: { some: { eventId: event.id } } },
		data: { createdAt: earlier }
	});
	/** A voter who joined (and signed up) before voting opened, unless `late`. */
	const voter = async (late = false) => {
		const user = await createUser();
		await addAttendee(event.id, user.id);
		if (!late) {
			await db.user.update({ where: { id: user.id }, data: { createdAt: earlier } });
			await db.eventAttendee.update({
				where: { eventId_userId: { eventId: event.id, userId: user.id } },
				data: { joinedAt: earlier }
			});
		}
		return user;
	};
	/** Makes the ballot page look served `msAgo` before now, as the vote page records it. */
	const servedAgo = (voterId: string, msAgo: number) =>
		db.eventAttendee.update({
			where: { eventId_userId: { eventId: event.id, userId: voterId } },
			data: { ballotServedAt: new Date(Date.now() - msAgo) }
		});
	const flags = async (signal: IntegritySignal) =>
		(await listIntegrityFlags(event.id)).filter((f) => f.signal === signal);
	return { event, projects, ids: projects.map((p) => p.id), voter, servedAgo, flags };
}

describe('integrity signals', () => {
	it('reciprocal votes between teams: fire when each team gave the other enough ballots, not one way', async () => {
		const s = await scene();
		const [a, b, c] = s.projects;
		// Team A: its owner and a teammate; team B likewise; team C's teammate too.
		const a2 = await s.voter();
		const b2 = await s.voter();
		const c2 = await s.voter();
		await addCollaborator(a.id, a2.id);
		await addCollaborator(b.id, b2.id);
		await addCollaborator(c.id, c2.id);
		for (const voter of [a.ownerId, a2.id]) await castBallot(voter, s.event.id, [b.id, s.ids[4]]);
		for (const voter of [b.ownerId, b2.id]) await castBallot(voter, s.event.id, [a.id, s.ids[5]]);
		// Team C backs team A, which does not back C: one way only.
		for (const voter of [c.ownerId, c2.id]) await castBallot(voter, s.event.id, [a.id, s.ids[3]]);

		const flags = await s.flags('reciprocal');
		expect(flags).toHaveLength(1);
		expect(flags[0].reason).toBe(
			`Teams “Project 1” and “Project 2” voted for each other: ${RECIPROCAL_MIN_BALLOTS} ballots each way.`
		);
		expect(flags[0].ballots.map((x) => x.voterId).sort()).toEqual(
			[a.ownerId, a2.id, b.ownerId, b2.id].sort()
		);
		expect(flags[0].ballots.find((x) => x.voterId === a2.id)?.picks).toEqual(['Project 2', 'Project 5']);
	});

	it('reciprocal votes: a single ballot each way does not fire', async () => {
		const s = await scene();
		const [a, b] = s.projects;
		await castBallot(a.ownerId, s.event.id, [b.id]);
		await castBallot(b.ownerId, s.event.id, [a.id]);
		expect(await s.flags('reciprocal')).toEqual([]);
	});

	it('identical ballots: fire from the threshold on, not below it, and never for one-pick ballots', async () => {
		const s = await scene(8);
		const same = [s.ids[0], s.ids[1]];
		const voters = [];
		for (let i = 0; i < IDENTICAL_BALLOTS_MIN; i++) voters.push(await s.voter());
		for (const v of voters) await castBallot(v.id, s.event.id, same);
		// One fewer than the threshold with other identical picks, and many one-pick ballots.
		for (let i = 0; i < IDENTICAL_BALLOTS_MIN - 1; i++) {
			await castBallot((await s.voter()).id, s.event.id, [s.ids[2], s.ids[3]]);
		}
		for (let i = 0; i < IDENTICAL_BALLOTS_MIN + 1; i++) {
			await castBallot((await s.voter()).id, s.event.id, [s.ids[4]]);
		}
		const flags = await s.flags('identical');
		expect(flags).toHaveLength(1);
		expect(flags[0].reason).toBe(
			`${IDENTICAL_BALLOTS_MIN} ballots picked exactly the same projects: “Project 1”, “Project 2”.`
		);
		expect(flags[0].ballots.map((b) => b.voterId).sort()).toEqual(voters.map((v) => v.id).sort());
	});

	it("the owner's review shows the first flags of each signal, with the signal's total", async () => {
		const s = await scene(8);
		// Three groups of identical ballots: three flags of one signal.
		for (const pair of [
			[0, 1],
			[2, 3],
			[4, 5]
		]) {
			for (let i = 0; i < IDENTICAL_BALLOTS_MIN; i++) {
				await castBallot((await s.voter()).id, s.event.id, [s.ids[pair[0]], s.ids[pair[1]]]);
			}
		}
		const all = await s.flags('identical');
		const review = await listReviewFlags(s.event.id, 2);
		expect(review.totals).toMatchObject({ identical: 3, reciprocal: 0 });
		expect(review.flags.map((f) => f.reason)).toEqual(all.slice(0, 2).map((f) => f.reason));
		expect((await listReviewFlags(s.event.id)).flags).toHaveLength(3);
	});

	it("the owner's review names a flag's first ballots, with how many it has", async () => {
		const s = await scene(8);
		for (let i = 0; i < IDENTICAL_BALLOTS_MIN + 2; i++) {
			await castBallot((await s.voter()).id, s.event.id, [s.ids[0], s.ids[1]]);
		}
		const [all] = await s.flags('identical');
		expect(all.ballots).toHaveLength(IDENTICAL_BALLOTS_MIN + 2);
		const [shown] = (await listReviewFlags(s.event.id, 50, 3)).flags;
		expect(shown.ballotCount).toBe(IDENTICAL_BALLOTS_MIN + 2);
		expect(shown.ballots).toEqual(all.ballots.slice(0, 3));
	});

	it('latecomers: fire when voters who joined after voting opened back one project, not for early voters', async () => {
		const s = await scene();
		const late = [await s.voter(true), await s.voter(true)];
		for (const v of late) await castBallot(v.id, s.event.id, [s.ids[0]]);
		// Early voters backing one project, and a single latecomer backing another: no flag.
		for (let i = 0; i < 3; i++) await castBallot((await s.voter()).id, s.event.id, [s.ids[1]]);
		await castBallot((await s.voter(true)).id, s.event.id, [s.ids[2]]);

		const flags = await s.flags('late');
		expect(flags).toHaveLength(1);
		expect(flags[0].reason).toMatch(
			/^2 voters who joined the event or signed up after voting opened \(\d\d:\d\d UTC\) voted for “Project 1”\.$/
		);
		expect(flags[0].ballots.map((b) => b.voterId).sort()).toEqual(late.map((v) => v.id).sort());
		expect(flags[0].ballots[0].note).toBe('account created 60 min after, joined 60 min after voting opened');
	});

	it('latecomers: an event with no recorded opening of voting has nothing to compare with', async () => {
		const s = await scene();
		await db.eventAuditLog.deleteMany({ where: { eventId: s.event.id } });
		for (const v of [await s.voter(true), await s.voter(true)])
			await castBallot(v.id, s.event.id, [s.ids[0]]);
		expect(await s.flags('late')).toEqual([]);
	});

	it('fast ballots: fire within seconds of the ballot page being served, not after a while', async () => {
		const s = await scene();
		const quick = await s.voter();
		const careful = await s.voter();
		await recordBallotServed(quick.id, s.event.id, { picks: [], savedAt: null });
		await castBallot(quick.id, s.event.id, [s.ids[0]]);
		await s.servedAgo(careful.id, FAST_BALLOT_MS * 4);
		await castBallot(careful.id, s.event.id, [s.ids[0]]);

		const flags = await s.flags('fast');
		expect(flags).toHaveLength(1);
		expect(flags[0].reason).toBe('1 ballot was saved less than 5 seconds after the ballot page was served.');
		expect(flags[0].ballots.map((b) => b.voterId)).toEqual([quick.id]);
		expect(flags[0].ballots[0].note).toMatch(/^saved \d+\.\d s after the page was served$/);
	});

	it('many ballots from one address: fire from the threshold on, not below it', async () => {
		const s = await scene();
		const crowd = [];
		for (let i = 0; i < SAME_CLIENT_MIN; i++) crowd.push(await s.voter());
		for (const v of crowd) await castBallot(v.id, s.event.id, [s.ids[0]], undefined, '198.51.100.1');
		for (let i = 0; i < SAME_CLIENT_MIN - 1; i++) {
			await castBallot((await s.voter()).id, s.event.id, [s.ids[1]], undefined, '198.51.100.2');
		}
		const flags = await s.flags('same_client');
		expect(flags).toHaveLength(1);
		expect(flags[0].reason).toMatch(new RegExp(`^${SAME_CLIENT_MIN} ballots came from one client address`));
		expect(flags[0].ballots.map((b) => b.voterId).sort()).toEqual(crowd.map((v) => v.id).sort());
		// The same address in another event hashes differently (the key is the event's).
		const other = await scene();
		const v = await other.voter();
		await castBallot(v.id, other.event.id, [other.ids[0]], undefined, '198.51.100.1');
		const [here, there] = await Promise.all([
			db.eventAttendee.findFirstOrThrow({ where: { eventId: s.event.id, userId: crowd[0].id } }),
			db.eventAttendee.findFirstOrThrow({ where: { eventId: other.event.id, userId: v.id } })
		]);
		expect(here.ballotClient).not.toBe(there.ballotClient);
	});

	it('an honest event raises no flag at all', async () => {
		const s = await scene(8);
		for (let i = 0; i < 6; i++) {
			const v = await s.voter();
			await s.servedAgo(v.id, 60_000);
			await castBallot(v.id, s.event.id, [s.ids[i], s.ids[i + 1]], undefined, `192.0.2.${i}`);
		}
		expect(await listIntegrityFlags(s.event.id)).toEqual([]);
	});
});
