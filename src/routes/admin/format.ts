import { keptFormatter } from '$lib/intl';

// Dates on the platform admin pages: in UTC, like the event owners' admin pages, in the reader's
// language. One formatter per language, made when first needed.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** "24 Nov 2026, 04:32 UTC". */
export function formatWhen(date: Date): string {
	const formatter = keptFormatter(
		formatters,
		(locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
	);
	return `${formatter.format(date)} UTC`;
}
