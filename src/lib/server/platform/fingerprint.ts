import { createHash } from 'node:crypto';

/**
 * A short digest of what a confirmation page showed. The page sends it back in a hidden field, and the
 * change recomputes it inside its transaction: a mismatch means the data changed in between, and the
 * admin is asked to look again rather than confirm something they have not seen.
 */
export function fingerprintOf(value: unknown): string {
	const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Date ? v.toISOString() : v));
	return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
