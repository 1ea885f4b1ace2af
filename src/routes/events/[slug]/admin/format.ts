// Dates on the admin pages: in UTC, so the server's render and the browser's agree and CSV files match.
const formatter = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC'
});

/** "24 Nov 2026, 04:32 UTC". */
export function formatWhen(date: Date): string {
	return `${formatter.format(date)} UTC`;
}
