import { z } from 'zod';
import { locales } from '../paraglide/runtime.js';
import { isCountryCode } from '../countries';
import { m } from '../paraglide/messages.js';

/** A text field that may be left empty: '' and missing both become null (clears the column). */
const optional = (max: number, label: () => string) =>
	z
		.string()
		.trim()
		.max(max, { error: () => m.server_field_too_long({ label: label(), max }) })
		.optional()
		.transform((value) => value || null);

const EARLIEST_DOB = '1900-01-01';

/** The profile form of the first sign-in and of the profile page. The email address is not in it. */
export const profileSchema = z.object({
	firstName: z
		.string({ error: () => m.server_first_name_required() })
		.trim()
		.min(1, { error: () => m.server_first_name_required() })
		.max(50, { error: () => m.server_first_name_long() }),
	lastName: optional(50, m.server_label_last_name),
	displayName: optional(50, m.server_label_display_name),
	phone: optional(30, m.server_label_phone).refine(
		(value) => value === null || (/^[+0-9 ().-]+$/.test(value) && /(\d.*){5}/.test(value)),
		{ error: () => m.server_phone_invalid() }
	),
	street1: optional(100, m.server_label_street1),
	street2: optional(100, m.server_label_street2),
	city: optional(100, m.server_label_city),
	state: optional(100, m.server_label_state),
	zipCode: optional(20, m.server_label_zip),
	country: optional(2, m.server_label_country)
		.transform((value) => value?.toUpperCase() ?? null)
		.refine((value) => value === null || isCountryCode(value), { error: () => m.server_country_invalid() }),
	dob: optional(10, m.server_label_dob)
		.refine((value) => value === null || isRealDate(value), { error: () => m.server_dob_invalid() })
		.refine((value) => value === null || !isRealDate(value) || value >= EARLIEST_DOB, {
			error: () => m.server_dob_early()
		})
		.refine(
			(value) => value === null || !isRealDate(value) || value <= new Date().toISOString().slice(0, 10),
			{ error: () => m.server_dob_future() }
		),
	// The profile page's language (the first-sign-in step has none): left out, nothing changes.
	locale: z.preprocess(
		(value) => value || undefined,
		z.enum(locales, { error: () => m.language_refused() }).optional()
	)
});

export type ProfileInput = z.output<typeof profileSchema>;

function isRealDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The sign-in form. */
export const signInSchema = z.object({
	email: z
		.string({ error: () => m.server_email_required_your() })
		.trim()
		.min(1, { error: () => m.server_email_required_your() })
		.max(254, { error: () => m.server_email_too_long() })
		.pipe(z.email({ error: () => m.server_email_invalid() })),
	redirectTo: z.string().optional()
});

export const PROFILE_FIELDS = [
	'firstName',
	'lastName',
	'displayName',
	'phone',
	'street1',
	'street2',
	'city',
	'state',
	'zipCode',
	'country',
	'dob'
] as const;

export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** A profile form's values, as the form shows them. */
export type ProfileValues = Partial<Record<ProfileField, string | null>>;

/** The profile fields of a submitted form as strings (files and unknown fields are dropped). */
export function readProfileForm(data: FormData): Record<ProfileField, string> {
	const values = {} as Record<ProfileField, string>;
	for (const field of PROFILE_FIELDS) {
		const value = data.get(field);
		values[field] = typeof value === 'string' ? value : '';
	}
	return values;
}

/** The first message of each invalid field, to show beside it. */
export function firstErrors(error: z.ZodError): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
	return errors;
}
