// Dates on the platform admin pages: in UTC, like the event owners' admin pages.
const formatter = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC'
});

/** "24 Nov 2026, 04:32 UTC". */
export function formatWhen(date: Date): string {
	return `${formatter.format(date)} UTC`;
}
