import { z } from 'zod';

// The forms of the people pages in the app-wide admin area (/admin/people).

/** An address as users.email stores it: trimmed and lower-cased. */
const email = (what: string) =>
	z
		.string({ error: `Type ${what}.` })
		.trim()
		.toLowerCase()
		.min(1, `Type ${what}.`)
		.max(254, 'An email address has at most 254 characters.')
		.pipe(z.email({ error: 'That is not an email address.' }));

/** A digest the confirmation page showed; the server recomputes it (see platform/fingerprint.ts). */
const fingerprint = z
	.string({ error: 'Open the confirmation first.' })
	.regex(/^[A-Za-z0-9_-]{22}$/, 'Open the confirmation first.');

export const adminEmailSchema = z.object({ email: email('the address of the person') });

export const changeEmailSchema = z.object({ email: email('the new address') });

export const mergeSchema = z.object({ keepEmail: email('the address of the account to keep'), fingerprint });

export const deletePersonSchema = z.object({ fingerprint });
