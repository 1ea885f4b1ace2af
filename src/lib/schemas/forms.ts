import { z } from 'zod';

/** A form field that may be left empty: '' and missing both become undefined. */
export const optionalText = (max: number, label: string) =>
	z
		.string()
		.trim()
		.max(max, `${label} can be at most ${max} characters.`)
		.optional()
		.transform((value) => (value ? value : undefined));

/**
 * An http(s) link: anything else (javascript:, data:, ...) would run in the reader's browser. The one
 * definition of a safe link: the Airtable backfill applies it too, and `safeHref` (src/lib/links.ts)
 * to every link a page renders.
 */
export const httpUrl = (label: string) =>
	z
		.string()
		.trim()
		.max(2_000, `${label} can be at most 2,000 characters.`)
		.pipe(z.url({ protocol: /^https?$/, error: `${label} must be an http:// or https:// link.` }));

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
