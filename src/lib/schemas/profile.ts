import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { locales } from '$lib/paraglide/runtime';
import { isCountryCode } from '../countries';

/** A text field that may be left empty: '' and missing both become null (clears the column). */
const optional = (max: number, label: string) =>
	z
		.string()
		.trim()
		.max(max, `${label} can be at most ${max} characters.`)
		.optional()
		.transform((value) => value || null);

const EARLIEST_DOB = '1900-01-01';

/** The profile form of the first sign-in and of the profile page. The email address is not in it. */
export const profileSchema = z.object({
	firstName: z
		.string({ error: 'Tell us your first name.' })
		.trim()
		.min(1, 'Tell us your first name.')
		.max(50, 'First name can be at most 50 characters.'),
	lastName: optional(50, 'Last name'),
	displayName: optional(50, 'Display name'),
	phone: optional(30, 'Phone').refine(
		(value) => value === null || (/^[+0-9 ().-]+$/.test(value) && /(\d.*){5}/.test(value)),
		'Phone can hold digits, spaces, + ( ) - and . only, with at least 5 digits.'
	),
	street1: optional(100, 'Street address'),
	street2: optional(100, 'Street address line 2'),
	city: optional(100, 'City'),
	state: optional(100, 'State or region'),
	zipCode: optional(20, 'ZIP or postal code'),
	country: optional(2, 'Country')
		.transform((value) => value?.toUpperCase() ?? null)
		.refine((value) => value === null || isCountryCode(value), 'Choose a country from the list.'),
	dob: optional(10, 'Date of birth')
		.refine(
			(value) => value === null || isRealDate(value),
			'Date of birth must be a real date, as YYYY-MM-DD.'
		)
		.refine(
			(value) => value === null || !isRealDate(value) || value >= EARLIEST_DOB,
			'Date of birth must be after 1900.'
		)
		.refine(
			(value) => value === null || !isRealDate(value) || value <= new Date().toISOString().slice(0, 10),
			'Date of birth cannot be in the future.'
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
		.string({ error: 'Type your email address.' })
		.trim()
		.min(1, 'Type your email address.')
		.max(254, 'That email address is too long.')
		.pipe(z.email({ error: 'That does not look like an email address.' })),
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
