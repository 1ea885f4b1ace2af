import { db } from '../db.ts';
import { findEventBySlug } from '../event-access.ts';
import { RuleViolation } from '../rules.ts';

// Receipts are made by the database function cast_ballot (prisma/migrations/20261128113000_integrity):
// a keyed hash of event, voter, picks and time, shown as XXXXX-XXXXX (Crockford's base32).
const RECEIPT_PATTERN = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/** A voter's ballot as integrity sees it: its receipt, and whether (and why) the organisers voided it. */
export interface BallotRecord {
	receipt: string | null;
	voided: { reason: string; voidedAt: Date } | null;
}

async function voidedFor(voterId: string, eventId: string) {
	const voided = await db.voidedBallot.findUnique({
		where: { eventId_voterId: { eventId, voterId } },
		select: { reason: true, createdAt: true }
	});
	return voided ? { reason: voided.reason, voidedAt: voided.createdAt } : null;
}

/**
 * Notes that the vote page has just served `voterId` their ballot (cast_ballot measures how soon after it
 * the ballot comes: an integrity signal) and answers their receipt and void, in one UPDATE (a second
 * query only for a voided ballot). Kept apart from getBallot on purpose.
 */
export async function recordBallotServed(voterId: string, eventId: string): Promise<BallotRecord> {
	const rows = await db.$queryRaw<{ receipt: string | null; voided_at: Date | null }[]>`
		UPDATE event_attendees SET ballot_served_at = now()
		WHERE event_id = ${eventId}::uuid AND user_id = ${voterId}::uuid
		RETURNING ballot_receipt AS receipt, ballot_voided_at AS voided_at`;
	if (rows.length === 0) return { receipt: null, voided: null };
	const { receipt, voided_at } = rows[0];
	return { receipt, voided: voided_at ? await voidedFor(voterId, eventId) : null };
}

/** The receipt and void of `voterId`'s ballot in the event, for their event page; null if they do not attend. */
export async function getBallotRecord(voterId: string, eventId: string): Promise<BallotRecord | null> {
	const attendance = await db.eventAttendee.findUnique({
		where: { eventId_userId: { eventId, userId: voterId } },
		select: { ballotReceipt: true, ballotVoidedAt: true }
	});
	if (!attendance) return null;
	return {
		receipt: attendance.ballotReceipt,
		voided: attendance.ballotVoidedAt ? await voidedFor(voterId, eventId) : null
	};
}

/** A typed receipt in its canonical form (upper case, Crockford's look-alikes mapped, dash added), or null. */
export function normaliseReceipt(typed: string): string | null {
	const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
	if (plain.length !== 10) return null;
	const code = `${plain.slice(0, 5)}-${plain.slice(5)}`;
	return RECEIPT_PATTERN.test(code) ? code : null;
}

/**
 * The public list of a closed event's counted ballots: the receipt of each voter's ballot on record that
 * was not voided and still has votes, sorted. It says that a ballot counted, never who cast it or what it
 * picked. With `check`, also whether that receipt is in the list. Refused (409) before the event closes.
 */
export async function listCountedReceipts(slug: string, viewerId: string | undefined, check?: string) {
	const event = await findEventBySlug(slug, viewerId);
	if (event.phase !== 'closed') {
		throw new RuleViolation('The list of counted ballots is published once voting has closed.', 409);
	}
	const rows = await db.$queryRaw<{ receipt: string }[]>`
		SELECT a.ballot_receipt AS receipt FROM event_attendees a
		WHERE a.event_id = ${event.id}::uuid AND a.ballot_receipt IS NOT NULL AND a.ballot_voided_at IS NULL
			AND EXISTS (SELECT 1 FROM votes v WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)
		ORDER BY 1`;
	const receipts = rows.map((r) => r.receipt);
	let checked: { typed: string; receipt: string | null; counted: boolean } | undefined;
	if (check !== undefined) {
		const receipt = normaliseReceipt(check);
		checked = { typed: check, receipt, counted: receipt !== null && receipts.includes(receipt) };
	}
	return { event: { name: event.name, slug: event.slug }, receipts, checked };
}
