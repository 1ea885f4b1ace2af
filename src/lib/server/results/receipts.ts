import { Prisma } from '../generated/prisma/client.ts';
import { db } from '../db.ts';
import { findEventBySlug } from '../event-access.ts';
import { RuleViolation } from '../rules.ts';
import { ballotKeyOf, receiptCode, receiptOf } from './receipt-code.ts';
import { keptPerEvent } from './kept.ts';
import { m } from '../../paraglide/messages.js';

// A receipt is a keyed hash of event, voter, picks and time (receipt-code.ts), shown as XXXXX-XXXXX.
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

// The picks on record of the attendance row `a`, for its receipt.
const PICKS_ON_RECORD = Prisma.sql`ARRAY(SELECT v.project_id::text FROM votes v
	WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)`;

async function recordOf(
	voterId: string,
	eventId: string,
	row: { saved_at: Date | null; voided_at: Date | null; picks: string[] }
): Promise<BallotRecord> {
	if (row.voided_at) return { receipt: null, voided: await voidedFor(voterId, eventId) };
	return { receipt: await receiptOf(eventId, voterId, row.picks, row.saved_at), voided: null };
}

/**
 * Notes that the vote page has just served `voterId` their ballot (cast_ballot measures how soon after it
 * the ballot comes: an integrity signal) and answers the receipt and void of `onRecord`, the ballot on
 * record that the page has just read (getBallot): one UPDATE, and a second query only for a voided ballot.
 */
export async function recordBallotServed(
	voterId: string,
	eventId: string,
	onRecord: { picks: string[]; savedAt: Date | null }
): Promise<BallotRecord> {
	const rows = await db.$queryRaw<{ voided_at: Date | null }[]>`
		UPDATE event_attendees SET ballot_served_at = now()
		WHERE event_id = ${eventId}::uuid AND user_id = ${voterId}::uuid
		RETURNING ballot_voided_at AS voided_at`;
	if (rows.length === 0) return { receipt: null, voided: null };
	return recordOf(voterId, eventId, { ...rows[0], picks: onRecord.picks, saved_at: onRecord.savedAt });
}

/** The receipt and void of `voterId`'s ballot in the event, for their event page; null if they do not attend. */
export async function getBallotRecord(voterId: string, eventId: string): Promise<BallotRecord | null> {
	const rows = await db.$queryRaw<{ saved_at: Date | null; voided_at: Date | null; picks: string[] }[]>`
		SELECT a.ballot_saved_at AS saved_at, a.ballot_voided_at AS voided_at, ${PICKS_ON_RECORD} AS picks
		FROM event_attendees a WHERE a.event_id = ${eventId}::uuid AND a.user_id = ${voterId}::uuid`;
	if (rows.length === 0) return null;
	return recordOf(voterId, eventId, rows[0]);
}

/** A typed receipt in its canonical form (upper case, Crockford's look-alikes mapped, dash added), or null. */
export function normaliseReceipt(typed: string): string | null {
	const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
	if (plain.length !== 10) return null;
	const code = `${plain.slice(0, 5)}-${plain.slice(5)}`;
	return RECEIPT_PATTERN.test(code) ? code : null;
}

// The counted receipts of a closed event, kept 2 s per event in this process: 4,500 ballots take tens of
// milliseconds to read and hash, and anyone may open the page. Ballots no longer change; a void, a phase
// change or an attendee's removal in this process forgets them at once (forgetKeptResults, called by
// voiding.ts and announceEventChange), in other instances within 2 s.
const counted = keptPerEvent(2_000, (eventId) => readCountedReceipts(eventId));

async function readCountedReceipts(eventId: string): Promise<string[]> {
	// Every voter's ballot on record that was not voided and still has votes.
	const rows = await db.$queryRaw<{ voter_id: string; saved_at: Date; picks: string[] }[]>`
		SELECT a.user_id::text AS voter_id, a.ballot_saved_at AS saved_at, array_agg(v.project_id::text) AS picks
		FROM event_attendees a JOIN votes v ON v.event_id = a.event_id AND v.voter_id = a.user_id
		WHERE a.event_id = ${eventId}::uuid AND a.ballot_saved_at IS NOT NULL AND a.ballot_voided_at IS NULL
		GROUP BY a.user_id, a.ballot_saved_at`;
	const key = await ballotKeyOf(eventId);
	return key ? rows.map((r) => receiptCode(key, eventId, r.voter_id, r.picks, r.saved_at)).sort() : [];
}

/**
 * The public list of a closed event's counted ballots: the receipt of each voter's ballot on record that
 * was not voided and still has votes, sorted. It says that a ballot counted, never who cast it or what it
 * picked. With `check`, also whether that receipt is in the list. Refused (409) before the event closes.
 */
export async function listCountedReceipts(slug: string, viewerId: string | undefined, check?: string) {
	const event = await findEventBySlug(slug, viewerId);
	if (event.phase !== 'closed') {
		throw new RuleViolation(m.server_receipts_after_close(), 409);
	}
	const receipts = await counted.get(event.id);
	let checked: { typed: string; receipt: string | null; counted: boolean } | undefined;
	if (check !== undefined) {
		const receipt = normaliseReceipt(check);
		checked = { typed: check, receipt, counted: receipt !== null && receipts.includes(receipt) };
	}
	return { event: { name: event.name, slug: event.slug }, receipts, checked };
}
