import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RuleViolation } from '../../src/lib/server/rules';
import { castBallot, type BallotStamp } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// The ballot page sends a ballot again until it hears back, so the server sees repeats, and copies of an
// older ballot after a newer one. Each ballot carries a stamp (device, seq, key): a repeat is applied
// once, an older ballot of a device never undoes a newer one, and the answer is the ballot on record.

async function scene() {
	const event = await createEvent({ phase: 'submission' });
	const ids: string[] = [];
	for (let i = 0; i < 20; i++) ids.push((await createProject(event.id)).id);
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	const voter = await createUser();
	await addAttendee(event.id, voter.id);
	const cast = (picks: string[], stamp?: BallotStamp) => castBallot(voter.id, event.id, picks, stamp);
	return { event, voter, ids, cast };
}

/** A device of the voter's: stamps its ballots with increasing sequence numbers. */
function device() {
	const id = randomUUID();
	let seq = 0;
	return { id, stamp: (): BallotStamp => ({ device: id, seq: ++seq, key: randomUUID() }) };
}

const votesOf = (voterId: string) =>
	db.vote.findMany({
		where: { voterId },
		orderBy: { projectId: 'asc' },
		select: { id: true, projectId: true }
	});
const sorted = (ids: string[]) => [...ids].sort();

describe('a stamped ballot', () => {
	it('sent twice with the same key is recorded once, and the repeat answers the ballot on record', async () => {
		const { voter, ids, cast } = await scene();
		const phone = device();
		const stamp = phone.stamp();
		const first = await cast([ids[0], ids[1]], stamp);
		expect(first.outcome).toBe('recorded');
		const recorded = await votesOf(voter.id);

		const again = await cast([ids[0], ids[1]], stamp);
		expect(again).toMatchObject({ outcome: 'repeat', savedAt: first.savedAt });
		expect(sorted(again.picks)).toEqual(sorted([ids[0], ids[1]]));
		expect(await votesOf(voter.id)).toEqual(recorded);
		const attendance = await db.eventAttendee.findFirstOrThrow({ where: { userId: voter.id } });
		expect(attendance.ballotSavedAt).toEqual(first.savedAt);
	});

	it('never undoes a later change: a late repeat answers the newer picks and leaves them', async () => {
		const { voter, ids, cast } = await scene();
		const phone = device();
		const lost = phone.stamp(); // recorded, but its answer never reached the phone
		await cast([ids[0]], lost);
		const laptop = device();
		const later = await cast([ids[5], ids[6]], laptop.stamp());
		const plain = await cast([ids[7]]); // the form without JavaScript, later still

		const retry = await cast([ids[0]], lost);
		expect(retry.outcome).toBe('repeat');
		expect(retry.picks).toEqual([ids[7]]);
		expect(retry.savedAt).toEqual(plain.savedAt);
		expect(retry.savedAt.getTime()).toBeGreaterThanOrEqual(later.savedAt.getTime());
		expect((await votesOf(voter.id)).map((v) => v.projectId)).toEqual([ids[7]]);
	});

	it('older than one already recorded from its device changes nothing and answers the saved picks', async () => {
		const { voter, ids, cast } = await scene();
		const phone = device();
		const older = phone.stamp();
		const newer = phone.stamp();
		const saved = await cast([ids[2], ids[3]], newer);
		expect(saved.outcome).toBe('recorded');

		const late = await cast([ids[0], ids[1], ids[4]], older);
		expect(late.outcome).toBe('outdated');
		expect(sorted(late.picks)).toEqual(sorted([ids[2], ids[3]]));
		expect(late.savedAt).toEqual(saved.savedAt);
		expect(sorted((await votesOf(voter.id)).map((v) => v.projectId))).toEqual(sorted([ids[2], ids[3]]));
	});

	it('from different devices is applied in arrival order, whatever their sequence numbers', async () => {
		const { voter, ids, cast } = await scene();
		const phone = device();
		const laptop = device();
		for (let i = 0; i < 5; i++) phone.stamp(); // the phone has sent more ballots elsewhere
		expect((await cast([ids[0]], phone.stamp())).outcome).toBe('recorded');
		expect((await cast([ids[1]], laptop.stamp())).outcome).toBe('recorded');
		expect((await votesOf(voter.id)).map((v) => v.projectId)).toEqual([ids[1]]);
		expect((await cast([ids[2]], phone.stamp())).outcome).toBe('recorded');
		expect((await votesOf(voter.id)).map((v) => v.projectId)).toEqual([ids[2]]);
	});

	it('refused by the rules records nothing, not even its sequence number', async () => {
		const { voter, ids, cast } = await scene();
		const phone = device();
		const tooMany = phone.stamp();
		await expect(cast(ids.slice(0, 4), tooMany)).rejects.toThrow(/at most 3 projects/);
		// The same stamp, refused again (not answered "repeat": it was never recorded).
		await expect(cast(ids.slice(0, 4), tooMany)).rejects.toThrow(/at most 3 projects/);
		expect(await votesOf(voter.id)).toEqual([]);
		expect(await db.ballotDevice.count({ where: { voterId: voter.id } })).toBe(0);
		expect((await cast(ids.slice(0, 3), phone.stamp())).outcome).toBe('recorded');
	});

	it('sent again after voting closed is answered "saved" if it was recorded, and refused if not', async () => {
		const { event, ids, cast } = await scene();
		const phone = device();
		const recorded = phone.stamp();
		await cast([ids[0]], recorded);
		const unsent = phone.stamp();
		await db.event.update({ where: { id: event.id }, data: { phase: 'closed' } });

		expect(await cast([ids[0]], recorded)).toMatchObject({ outcome: 'repeat', picks: [ids[0]] });
		const refused = await cast([ids[1]], unsent).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(RuleViolation);
		expect((refused as RuleViolation).message).toMatch(/Voting has closed/);
	});

	it('with an unreadable stamp is refused with a clear message, recording nothing', async () => {
		const { voter, ids, cast } = await scene();
		const good = device().stamp();
		for (const stamp of [
			{ ...good, device: 'not-a-uuid' },
			{ ...good, key: "x'; DROP TABLE votes; --" },
			{ ...good, seq: 0 },
			{ ...good, seq: 1.5 }
		]) {
			await expect(cast([ids[0]], stamp)).rejects.toThrow('This ballot could not be read');
		}
		expect(await votesOf(voter.id)).toEqual([]);
	});
});

describe('ballots without a stamp (the plain form, older pages)', () => {
	it('are applied in arrival order as before, repeats included, and after stamped ones', async () => {
		const { voter, ids, cast } = await scene();
		expect(await cast([ids[0], ids[1]])).toMatchObject({ outcome: 'recorded' });
		const kept = await votesOf(voter.id);
		expect(await cast([ids[1], ids[0]])).toMatchObject({ outcome: 'recorded' });
		expect(await votesOf(voter.id)).toEqual(kept);
		await cast([ids[3]], device().stamp());
		await cast([ids[4]]);
		expect((await votesOf(voter.id)).map((v) => v.projectId)).toEqual([ids[4]]);
	});
});

describe('concurrent copies', () => {
	it('50 copies of one ballot at once make one change; every copy answers the same picks', async () => {
		const { voter, ids, cast } = await scene();
		await cast([ids[9]]);
		const stamp = device().stamp();
		const picks = [ids[0], ids[1], ids[2]];
		const answers = await Promise.all(Array.from({ length: 50 }, () => cast(picks, stamp)));
		expect(answers.filter((a) => a.outcome === 'recorded')).toHaveLength(1);
		expect(answers.filter((a) => a.outcome === 'repeat')).toHaveLength(49);
		for (const answer of answers) expect(sorted(answer.picks)).toEqual(sorted(picks));
		expect(new Set(answers.map((a) => a.savedAt.getTime())).size).toBe(1);
		expect(sorted((await votesOf(voter.id)).map((v) => v.projectId))).toEqual(sorted(picks));
	});

	it('50 different ballots of one device at once end with the newest one, whatever order they ran in', async () => {
		const { voter, ids, cast } = await scene();
		const phone = device();
		const ballots = Array.from({ length: 50 }, (_, i) => ({
			picks: [ids[i % 20], ids[(i + 7) % 20]],
			stamp: phone.stamp()
		}));
		const answers = await Promise.all(ballots.map((b) => cast(b.picks, b.stamp)));
		const newest = ballots[49];
		expect(sorted((await votesOf(voter.id)).map((v) => v.projectId))).toEqual(sorted(newest.picks));
		expect(answers[49].outcome).toBe('recorded');
		// An outdated ballot is answered with a newer one of the same device, the one on record then.
		answers.forEach((answer, i) => {
			if (answer.outcome === 'recorded') return;
			expect(answer.outcome).toBe('outdated');
			const newer = ballots.slice(i + 1).map((b) => sorted(b.picks).join());
			expect(newer).toContain(sorted(answer.picks).join());
		});
	});
});
