import { createHash } from 'node:crypto';
import { db } from '../db.ts';

// A ballot's receipt is a function of what the database holds about the ballot on record: the event's
// secret key (events.ballot_key), the event, the voter, the picks and when they were saved. Nothing else
// is stored, so cast_ballot spends no time on it (prisma/migrations/20261128114000_ballot_key), and a
// ballot that is changed, voided or fixed loses its old receipt by itself.
//
// The keyed hash is NMAC over SHA-256 (HMAC with two independent random keys in place of one key xored
// with two pads): sha256(k_out || sha256(k_in || m)), m = "event|voter|sorted picks|saved at in ms".
// 50 bits of it in Crockford's base32, as XXXXX-XXXXX. The same construction as the receipts the database
// made before (20261128113000_integrity), so those still match.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The receipt code of a ballot, from the event's key and the ballot on record. */
export function receiptCode(
	key: Uint8Array,
	eventId: string,
	voterId: string,
	picks: readonly string[],
	savedAt: Date
): string {
	// PostgreSQL sorted the picks as uuids, i.e. by their bytes: the same order as lower-case hex text.
	const sorted = picks.map((id) => id.toLowerCase()).sort();
	const message = `${eventId.toLowerCase()}|${voterId.toLowerCase()}|${sorted.join(',')}|${savedAt.getTime()}`;
	const inner = createHash('sha256').update(key.subarray(0, 32)).update(message, 'utf8').digest();
	const bits = createHash('sha256').update(key.subarray(32, 64)).update(inner).digest().readBigUInt64BE(0);
	let code = '';
	for (let i = 0; i < 10; i++) {
		code += ALPHABET[Number((bits >> BigInt(59 - 5 * i)) & 31n)];
		if (i === 4) code += '-';
	}
	return code;
}

// An event's key never changes: each app process reads it once. Bounded, oldest first out, so a
// long-running process does not keep the keys of every event it ever served.
const KEYS_KEPT = 1000;
const keys = new Map<string, Uint8Array>();

/** The secret key of the event's receipts, or null if there is no such event. */
export async function ballotKeyOf(eventId: string): Promise<Uint8Array | null> {
	const known = keys.get(eventId);
	if (known) return known;
	const rows = await db.$queryRaw<{ ballot_key: Uint8Array }[]>`
		SELECT ballot_key FROM events WHERE id = ${eventId}::uuid`;
	if (rows.length === 0) return null;
	if (keys.size >= KEYS_KEPT) keys.delete(keys.keys().next().value as string);
	keys.set(eventId, rows[0].ballot_key);
	return rows[0].ballot_key;
}

/** The receipt of the voter's ballot on record, or null when there is none (no picks, or never saved). */
export async function receiptOf(
	eventId: string,
	voterId: string,
	picks: readonly string[],
	savedAt: Date | null
): Promise<string | null> {
	if (!savedAt || picks.length === 0) return null;
	const key = await ballotKeyOf(eventId);
	return key && receiptCode(key, eventId, voterId, picks, savedAt);
}
