import { describe, expect, it } from 'vitest';
import { removeAttendee } from '../../src/lib/server/admin/attendees';
import { joinEventByCode } from '../../src/lib/server/events';
import { getLeaderboard } from '../../src/lib/server/leaderboard';
import { deletePerson, describeDeletion } from '../../src/lib/server/platform/deletion';
import { describeBallot, voidBallotByAdmin } from '../../src/lib/server/platform/fixes-scores';
import { mergePeople, planMerge } from '../../src/lib/server/platform/merge';
import { RuleViolation } from '../../src/lib/server/rules';
import { listIntegrityFlags, reviewFlags } from '../../src/lib/server/results/integrity';
import { getBallotRecord, listCountedReceipts } from '../../src/lib/server/results/receipts';
import { listVoidedBallots, voidBallot } from '../../src/lib/server/results/voiding';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { createUser, votingScene } from '../helpers/factories';
import { adminActor } from '../helpers/platform-people';

const scene = () => votingScene();

async function refusal(work: Promise<unknown>): Promise<RuleViolation> {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

const scoreOf = async (ownerId: string, slug: string, name: string) =>
	(await getLeaderboard(slug, ownerId)).ranking.find((r) => r.name === name)?.score;

describe('voiding a ballot', () => {
	it('moves its votes out of every count, records who, when and why, and tells the voter', async () => {
		const s = await scene();
		const cheat = await s.voter();
		const honest = await s.voter();
		const cast = await castBallot(cheat.id, s.event.id, [s.ids[0], s.ids[1]]);
		await castBallot(honest.id, s.event.id, [s.ids[0]]);
		expect(await scoreOf(s.owner.id, s.event.slug, 'Project 1')).toBe(2);

		const result = await voidBallot(s.actor, s.event.id, cheat.id, '  Voted from a second account.  ');
		expect(result).toEqual({ voterName: cheat.displayName, votes: 2 });

		// Gone from the votes table, hence from the live ranking, the CSV and every statistic.
		expect(await db.vote.count({ where: { eventId: s.event.id, voterId: cheat.id } })).toBe(0);
		expect(await scoreOf(s.owner.id, s.event.slug, 'Project 1')).toBe(1);
		expect(await scoreOf(s.owner.id, s.event.slug, 'Project 2')).toBe(0);

		const record = await db.voidedBallot.findFirstOrThrow({ where: { eventId: s.event.id } });
		expect(record).toMatchObject({
			voterId: cheat.id,
			voidedById: s.owner.id,
			voidedByName: `${s.owner.displayName} <${s.owner.email}>`,
			reason: 'Voted from a second account.',
			receipt: cast.receipt
		});
		expect((record.picks as { projectName: string }[]).map((p) => p.projectName).sort()).toEqual([
			'Project 1',
			'Project 2'
		]);

		const audit = await db.eventAuditLog.findFirstOrThrow({
			where: { eventId: s.event.id, action: 'ballot_voided' }
		});
		expect(audit).toMatchObject({
			actorId: s.owner.id,
			summary: `Voided the ballot of ${cheat.displayName} (2 votes): Voted from a second account.`
		});
		expect(audit.details).toMatchObject({ voterId: cheat.id, reason: 'Voted from a second account.' });

		expect(await getBallotRecord(cheat.id, s.event.id)).toEqual({
			receipt: null,
			voided: { reason: 'Voted from a second account.', voidedAt: record.createdAt }
		});
		expect(await listVoidedBallots(s.event.id)).toEqual([
			expect.objectContaining({ voterId: cheat.id, voidedBy: s.owner.displayName })
		]);
	});

	it('refuses the voter any further ballot in the event, with a clear message', async () => {
		const s = await scene();
		const cheat = await s.voter();
		await castBallot(cheat.id, s.event.id, [s.ids[0]]);
		await voidBallot(s.actor, s.event.id, cheat.id, 'Duplicate account.');
		const refused = await refusal(castBallot(cheat.id, s.event.id, [s.ids[1]]));
		expect(refused.status).toBe(403);
		expect(refused.message).toMatch(/voided by the organisers/);
		expect(await db.vote.count({ where: { eventId: s.event.id, voterId: cheat.id } })).toBe(0);
	});

	it("the owner's review is kept a moment, and forgotten at once when a ballot is voided", async () => {
		const s = await scene();
		const voters = [];
		for (let i = 0; i < 5; i++) voters.push(await s.voter());
		for (const v of voters.slice(0, 4)) await castBallot(v.id, s.event.id, [s.ids[0], s.ids[1]]);
		const first = await reviewFlags(s.event.id);
		expect(first.flags.map((f) => f.ballotCount)).toEqual([4]);

		// A fifth identical ballot: the kept review does not show it yet (it is at most 2 s old).
		await castBallot(voters[4].id, s.event.id, [s.ids[0], s.ids[1]]);
		expect(await reviewFlags(s.event.id)).toBe(first);

		// A void through this process is shown at once: 5 ballots less the voided one.
		await voidBallot(s.actor, s.event.id, voters[0].id, 'Same device as four others.');
		const after = await reviewFlags(s.event.id);
		expect(after.flags.map((f) => f.ballotCount)).toEqual([4]);
		expect(after.flags[0].ballots.map((b) => b.voterId)).toEqual(
			expect.arrayContaining(voters.slice(1).map((v) => v.id))
		);
		expect(after.flags[0].ballots.map((b) => b.voterId)).not.toContain(voters[0].id);
	});

	it('drops the ballot from the signals and its receipt from the published list', async () => {
		const s = await scene();
		const voters = [];
		for (let i = 0; i < 5; i++) voters.push(await s.voter());
		const receipts = [];
		for (const v of voters)
			receipts.push(
				(await castBallot(v.id, s.event.id, [s.ids[0], s.ids[1]], undefined, '198.51.100.9')).receipt
			);
		expect((await listIntegrityFlags(s.event.id)).map((f) => f.signal).sort()).toEqual([
			'identical',
			'same_client'
		]);
		await voidBallot(s.actor, s.event.id, voters[0].id, 'Same device as four others.');
		const flags = await listIntegrityFlags(s.event.id);
		expect(flags.map((f) => f.signal)).toEqual(['identical']);
		expect(flags[0].ballots.map((b) => b.voterId)).not.toContain(voters[0].id);

		await db.event.update({ where: { id: s.event.id }, data: { phase: 'closed' } });
		const list = await listCountedReceipts(s.event.slug, undefined);
		expect(list.receipts).toEqual(receipts.slice(1).sort());
		expect(list.receipts).not.toContain(receipts[0]);
	});

	it('refuses, changing nothing: a stranger, an empty reason, no ballot, twice, before voting', async () => {
		const s = await scene();
		const voter = await s.voter();
		await castBallot(voter.id, s.event.id, [s.ids[0]]);
		const stranger = await createUser();
		const strangerActor = { id: stranger.id, displayName: stranger.displayName, email: stranger.email };

		expect((await refusal(voidBallot(strangerActor, s.event.id, voter.id, 'Because.'))).status).toBe(403);
		expect((await refusal(voidBallot(s.actor, s.event.id, voter.id, '  '))).message).toMatch(/Say why/);
		const nobody = await s.voter();
		expect((await refusal(voidBallot(s.actor, s.event.id, nobody.id, 'No ballot.'))).status).toBe(404);
		expect((await refusal(voidBallot(s.actor, s.event.id, stranger.id, 'Not here.'))).status).toBe(404);
		expect(await db.vote.count({ where: { eventId: s.event.id } })).toBe(1);
		expect(await db.voidedBallot.count({ where: { eventId: s.event.id } })).toBe(0);

		await voidBallot(s.actor, s.event.id, voter.id, 'Once.');
		expect((await refusal(voidBallot(s.actor, s.event.id, voter.id, 'Twice.'))).status).toBe(409);
		expect(await db.eventAuditLog.count({ where: { eventId: s.event.id, action: 'ballot_voided' } })).toBe(1);

		const early = await scene();
		await db.event.update({ where: { id: early.event.id }, data: { phase: 'submission' } });
		const v = await early.voter();
		expect((await refusal(voidBallot(early.actor, early.event.id, v.id, 'Too early.'))).status).toBe(409);
	});

	it('survives merging the voided account into another: the merged account cannot vote there either', async () => {
		const s = await scene();
		const duplicate = await s.voter();
		const kept = await s.voter();
		await castBallot(duplicate.id, s.event.id, [s.ids[0]]);
		await voidBallot(s.actor, s.event.id, duplicate.id, 'Second account of the same person.');
		const { actor: admin } = await adminActor();
		const plan = await planMerge(duplicate.id, kept.email);
		await mergePeople(admin, duplicate.id, kept.email, plan.fingerprint);

		expect(await db.voidedBallot.findFirstOrThrow({ where: { eventId: s.event.id } })).toMatchObject({
			voterId: kept.id
		});
		const refused = await refusal(castBallot(kept.id, s.event.id, [s.ids[1]]));
		expect(refused.message).toMatch(/voided by the organisers/);
	});

	it('stays voided when the owner removes the voter and they join again', async () => {
		const s = await scene();
		const voter = await s.voter();
		await castBallot(voter.id, s.event.id, [s.ids[0]]);
		await voidBallot(s.actor, s.event.id, voter.id, 'Voted for a friend from their phone.');
		await removeAttendee(s.actor, s.event.id, voter.id, { removeVotes: false, removeProjects: false });
		await joinEventByCode(
			{ userId: voter.id, clientAddress: '198.51.100.7' },
			s.event.joinCode.toLowerCase()
		);

		const refused = await refusal(castBallot(voter.id, s.event.id, [s.ids[1]]));
		expect(refused.message).toMatch(/voided by the organisers/);
		expect(await getBallotRecord(voter.id, s.event.id)).toMatchObject({
			receipt: null,
			voided: { reason: 'Voted for a friend from their phone.' }
		});
		// Someone never voided joins with no mark.
		const other = await createUser();
		await joinEventByCode({ userId: other.id, clientAddress: '198.51.100.8' }, s.event.joinCode);
		expect(await castBallot(other.id, s.event.id, [s.ids[1]])).toMatchObject({ outcome: 'recorded' });
	});

	it("erases the keyed hash of a deleted person's address, keeping their receipt", async () => {
		const s = await scene();
		const voter = await s.voter();
		const cast = await castBallot(voter.id, s.event.id, [s.ids[0]], undefined, '203.0.113.5');
		const { actor: admin } = await adminActor();
		const { fingerprint } = await describeDeletion(voter.id);
		await deletePerson(admin, voter.id, fingerprint);
		expect(
			await db.eventAttendee.findFirstOrThrow({ where: { eventId: s.event.id, userId: voter.id } })
		).toMatchObject({ ballotClient: null });
		expect(await getBallotRecord(voter.id, s.event.id)).toEqual({ receipt: cast.receipt, voided: null });
	});

	it("withdraws the receipt when a platform admin's data fix voids the ballot too", async () => {
		const s = await scene();
		const voter = await s.voter();
		const cast = await castBallot(voter.id, s.event.id, [s.ids[0]]);
		const { admin } = await adminActor();
		const review = await describeBallot(s.event.slug, voter.email);
		await voidBallotByAdmin(admin, {
			eventId: s.event.id,
			userId: voter.id,
			seenVotes: review.fingerprint,
			seenSavedAt: review.savedAt?.toISOString() ?? '',
			reason: 'Shared laptop'
		});
		expect(await getBallotRecord(voter.id, s.event.id)).toEqual({ receipt: null, voided: null });
		await db.event.update({ where: { id: s.event.id }, data: { phase: 'closed' } });
		expect((await listCountedReceipts(s.event.slug, undefined)).receipts).not.toContain(cast.receipt);
	});
});
