import { z } from 'zod';
import { m } from '../paraglide/messages.js';

/** What a message calls a field: a message function (read in the request's language) or fixed text. */
export type FieldLabel = string | (() => string);

/** The label in the current language. */
export const labelText = (label: FieldLabel) => (typeof label === 'string' ? label : label());

/** A form field that may be left empty: '' and missing both become undefined. */
export const optionalText = (max: number, label: FieldLabel) =>
	z
		.string()
		.trim()
		.max(max, { error: () => m.server_field_too_long({ label: labelText(label), max }) })
		.optional()
		.transform((value) => (value ? value : undefined));

/**
 * An http(s) link: anything else (javascript:, data:, ...) would run in the reader's browser. The one
 * definition of a safe link: the Airtable backfill applies it too, and `safeHref` (src/lib/links.ts)
 * to every link a page renders.
 */
export const httpUrl = (label: FieldLabel) =>
	z
		.string()
		.trim()
		.max(2_000, { error: () => m.server_link_too_long({ label: labelText(label) }) })
		.pipe(
			z.url({
				protocol: /^https?$/,
				error: () => m.server_link_not_http({ label: labelText(label) })
			})
		);

/** Reads a form into a plain object of strings (repeated fields become arrays). */
export function formValues(data: FormData): Record<string, string | string[]> {
	const values: Record<string, string | string[]> = {};
	for (const key of new Set(data.keys())) {
		const all = data.getAll(key).filter((v): v is string => typeof v === 'string');
		values[key] = all.length > 1 ? all : (all[0] ?? '');
	}
	return values;
}

/** The first message of each invalid field, for showing beside the fields. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const issue of error.issues) {
		const key = String(issue.path[0] ?? 'form');
		errors[key] ??= issue.message;
	}
	return errors;
}
