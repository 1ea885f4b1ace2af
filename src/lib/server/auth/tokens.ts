import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A fresh random secret: 160 bits from the OS's CSPRNG, base32 so it survives URLs and cookies as is. */
export function generateToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * What the database keeps of a token (hex SHA-256): a leaked table signs nobody in. Node's native hash:
 * it runs on every request of a signed-in person.
 */
export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** Whether a string could be a token of ours; anything else is refused before touching the database. */
export function looksLikeToken(value: unknown): value is string {
	return typeof value === 'string' && /^[a-z2-7]{32}$/.test(value);
}
