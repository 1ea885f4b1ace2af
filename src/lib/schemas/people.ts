import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

// The forms of the people pages in the app-wide admin area (/admin/people).

/** An address as users.email stores it: trimmed and lower-cased. */
const email = (what: () => string) =>
	z
		.string({ error: what })
		.trim()
		.toLowerCase()
		.min(1, { error: what })
		.max(254, { error: () => m.people_email_too_long() })
		.pipe(z.email({ error: () => m.people_not_an_email() }));

/** A digest the confirmation page showed; the server recomputes it (see platform/fingerprint.ts). */
const fingerprint = z
	.string({ error: () => m.people_open_confirmation() })
	.regex(/^[A-Za-z0-9_-]{22}$/, { error: () => m.people_open_confirmation() });

export const adminEmailSchema = z.object({ email: email(m.people_type_person_address) });

export const changeEmailSchema = z.object({ email: email(m.people_type_new_address) });

export const mergeSchema = z.object({ keepEmail: email(m.people_type_keep_address), fingerprint });

export const deletePersonSchema = z.object({ fingerprint });
