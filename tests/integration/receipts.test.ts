import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RuleViolation } from '../../src/lib/server/rules';
import {
	getBallotRecord,
	listCountedReceipts,
	normaliseReceipt,
	recordBallotServed
} from '../../src/lib/server/results/receipts';
import { changeEventPhase } from '../../src/lib/server/phases';
import { voidBallot } from '../../src/lib/server/results/voiding';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

async function scene(projects = 5) {
	const event = await createEvent({ phase: 'submission' });
	const ids: string[] = [];
	for (let i = 0; i < projects; i++) ids.push((await createProject(event.id)).id);
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	const voter = async () => {
		const user = await createUser();
		await addAttendee(event.id, user.id);
		return user;
	};
	const close = () => db.event.update({ where: { id: event.id }, data: { phase: 'closed' } });
	return { event, ids, voter, close };
}

describe('ballot receipts', () => {
	it('gives each recorded ballot a short receipt, the same again for a repeat, a new one for a change', async () => {
		const { event, ids, voter } = await scene();
		const alice = await voter();
		const stamp = { device: crypto.randomUUID(), seq: 1, key: crypto.randomUUID() };
		const first = await castBallot(alice.id, event.id, [ids[0], ids[1]], stamp);
		expect(first.receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
		const repeat = await castBallot(alice.id, event.id, [ids[0], ids[1]], stamp);
		expect(repeat).toMatchObject({ outcome: 'repeat', receipt: first.receipt });
		const changed = await castBallot(alice.id, event.id, [ids[0], ids[2]]);
		expect(changed.receipt).not.toBe(first.receipt);
		expect(await getBallotRecord(alice.id, event.id)).toEqual({ receipt: changed.receipt, voided: null });

		// Another voter with the same picks gets another receipt: it names no picks.
		const bob = await voter();
		const bobs = await castBallot(bob.id, event.id, [ids[0], ids[2]]);
		expect(bobs.receipt).not.toBe(changed.receipt);
	});

	it("lists a counted ballot's receipt once the event closes, never a changed ballot's old one", async () => {
		const { event, ids, voter, close } = await scene();
		const alice = await voter();
		const bob = await voter();
		const old = await castBallot(alice.id, event.id, [ids[0]]);
		const now = await castBallot(alice.id, event.id, [ids[1], ids[2]]);
		const bobs = await castBallot(bob.id, event.id, [ids[3]]);
		await voter(); // attends, never votes: no receipt

		const early = await listCountedReceipts(event.slug, undefined).catch((e: unknown) => e);
		expect(early).toBeInstanceOf(RuleViolation);
		expect((early as RuleViolation).message).toMatch(/once voting has closed/);

		await close();
		const list = await listCountedReceipts(event.slug, undefined);
		expect(list.receipts).toEqual([now.receipt, bobs.receipt].sort());
		expect(list.receipts).not.toContain(old.receipt);

		const found = await listCountedReceipts(
			event.slug,
			undefined,
			now.receipt!.toLowerCase().replace('-', '')
		);
		expect(found.checked).toMatchObject({ receipt: now.receipt, counted: true });
		const gone = await listCountedReceipts(event.slug, undefined, old.receipt!);
		expect(gone.checked).toMatchObject({ receipt: old.receipt, counted: false });
		const junk = await listCountedReceipts(event.slug, undefined, "'; drop table votes; --");
		expect(junk.checked).toMatchObject({ receipt: null, counted: false });
	});

	it('makes the same receipt as the database did before receipts moved to the app, so old ones still match', async () => {
		const { event, ids, voter } = await scene(20);
		const alice = await voter();
		// Three picks, sent out of order: the receipt sorts them as the database did.
		const cast = await castBallot(alice.id, event.id, [ids[3], ids[0], ids[2]].sort().reverse());
		// The construction of 20261128113000_integrity's ballot_receipt_code, in SQL, over the same ballot.
		const [{ bits }] = await db.$queryRaw<{ bits: bigint }[]>`
			SELECT ('x' || encode(substring(sha256(substring(e.ballot_key FROM 33 FOR 32) || sha256(
				substring(e.ballot_key FROM 1 FOR 32) || convert_to(
					e.id::text || '|' || a.user_id::text || '|'
					|| (SELECT string_agg(v.project_id::text, ',' ORDER BY v.project_id) FROM votes v
						WHERE v.event_id = e.id AND v.voter_id = a.user_id) || '|'
					|| (extract(epoch FROM a.ballot_saved_at) * 1000)::bigint::text, 'UTF8'))) FROM 1 FOR 8),
				'hex'))::bit(64)::bigint AS bits
			FROM events e JOIN event_attendees a ON a.event_id = e.id
			WHERE e.id = ${event.id}::uuid AND a.user_id = ${alice.id}::uuid`;
		const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
		const chars = Array.from({ length: 10 }, (_, i) => alphabet[Number((bits >> BigInt(59 - 5 * i)) & 31n)]);
		expect(cast.receipt).toBe(`${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`);
		// Each event gets a key of its own when it is made.
		const other = await scene(1);
		const [{ keys }] = await db.$queryRaw<{ keys: bigint }[]>`
			SELECT count(DISTINCT ballot_key) AS keys FROM events
			WHERE id IN (${event.id}::uuid, ${other.event.id}::uuid) AND length(ballot_key) = 64`;
		expect(Number(keys)).toBe(2);
	});

	it('the list kept for a busy page changes at once after a void or a reopening', async () => {
		const { event, ids, voter } = await scene();
		const actor = await db.user.findUniqueOrThrow({
			where: { id: event.ownerId },
			select: { id: true, displayName: true, email: true }
		});
		const [alice, bob, carol] = [await voter(), await voter(), await voter()];
		const a = await castBallot(alice.id, event.id, [ids[0]]);
		const b = await castBallot(bob.id, event.id, [ids[1]]);
		await changeEventPhase(actor.id, event.id, 'closed');
		expect((await listCountedReceipts(event.slug, undefined)).receipts).toEqual(
			[a.receipt, b.receipt].sort()
		);

		await voidBallot(actor, event.id, bob.id, 'Second account.');
		expect((await listCountedReceipts(event.slug, undefined)).receipts).toEqual([a.receipt]);

		await changeEventPhase(actor.id, event.id, 'voting');
		const c = await castBallot(carol.id, event.id, [ids[2]]);
		await changeEventPhase(actor.id, event.id, 'closed');
		expect((await listCountedReceipts(event.slug, undefined)).receipts).toEqual(
			[a.receipt, c.receipt].sort()
		);
	});

	it('reads typed receipts leniently and refuses what cannot be one', () => {
		expect(normaliseReceipt(' abcde 12345 ')).toBe('ABCDE-12345');
		expect(normaliseReceipt('oooo0-iiil1')).toBe('00000-11111');
		expect(normaliseReceipt('ABCDE-1234')).toBeNull();
		expect(normaliseReceipt('ABCDE-1234U')).toBeNull();
	});

	it('records when the ballot page was served and how soon the ballot followed', async () => {
		const { event, ids, voter } = await scene();
		const alice = await voter();
		expect(await recordBallotServed(alice.id, event.id, { picks: [], savedAt: null })).toEqual({
			receipt: null,
			voided: null
		});
		const served = await db.eventAttendee.findUniqueOrThrow({
			where: { eventId_userId: { eventId: event.id, userId: alice.id } },
			select: { ballotServedAt: true }
		});
		expect(served.ballotServedAt).not.toBeNull();
		await castBallot(alice.id, event.id, [ids[0]], undefined, '203.0.113.7');
		const row = await db.eventAttendee.findUniqueOrThrow({
			where: { eventId_userId: { eventId: event.id, userId: alice.id } },
			select: { ballotServedMs: true, ballotClient: true }
		});
		expect(row.ballotServedMs).toBeGreaterThanOrEqual(0);
		expect(row.ballotServedMs).toBeLessThan(60_000);
		// Only a keyed hash of the address is stored: not the address, not a plain hash of it that anyone
		// could compute. (The last check was once "the hash does not contain 203", which 1 in 300 random
		// hashes do.) The same address gives the same hash within the event, so the integrity review can
		// group ballots by it; another address, another hash.
		expect(row.ballotClient).toMatch(/^[0-9a-f]{16}$/);
		for (const algorithm of ['sha256', 'sha1', 'md5']) {
			const plain = createHash(algorithm).update('203.0.113.7').digest('hex');
			expect(plain).not.toContain(row.ballotClient);
		}
		const clientOf = async (userId: string, address: string) => {
			await castBallot(userId, event.id, [ids[1]], undefined, address);
			const { ballotClient } = await db.eventAttendee.findUniqueOrThrow({
				where: { eventId_userId: { eventId: event.id, userId } },
				select: { ballotClient: true }
			});
			return ballotClient;
		};
		expect(await clientOf((await voter()).id, '203.0.113.7')).toBe(row.ballotClient);
		expect(await clientOf((await voter()).id, '198.51.100.9')).not.toBe(row.ballotClient);
	});
});
