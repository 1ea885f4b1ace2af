// Dates on the admin pages: in the event's time zone (UTC for the app-wide pages), named after the time,
// so that the server's render and the browser's agree and the CSV files match.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** "24 Nov 2026, 04:32 UTC", or "24 Nov 2026, 05:32 Europe/Paris" with the event's zone. */
export function formatWhen(date: Date, timeZone = 'UTC'): string {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
		formatters.set(timeZone, formatter);
	}
	return `${formatter.format(date)} ${timeZone}`;
}
