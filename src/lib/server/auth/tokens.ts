import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A fresh random secret: 160 bits from the OS's CSPRNG, base32 so it survives URLs and cookies as is. */
export function generateToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** What the database keeps of a token (hex SHA-256): a leaked table signs nobody in. */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Whether a string could be a token of ours; anything else is refused before touching the database. */
export function looksLikeToken(value: unknown): value is string {
	return typeof value === 'string' && /^[a-z2-7]{32}$/.test(value);
}
