import { intlLocale } from '$lib/intl';

// Dates on the admin pages: in the event's time zone (UTC for the app-wide pages), named after the time,
// so that the server's render and the browser's agree and the CSV files match. In the page's language.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** "24 Nov 2026, 04:32 UTC", or "24 Nov 2026, 05:32 Europe/Paris" with the event's zone. */
export function formatWhen(date: Date, timeZone = 'UTC'): string {
	const locale = intlLocale();
	const key = `${locale} ${timeZone}`;
	let formatter = formatters.get(key);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
		formatters.set(key, formatter);
	}
	return `${formatter.format(date)} ${timeZone}`;
}
