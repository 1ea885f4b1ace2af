import { intlLocale } from '../../intl.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * "Sat, 5 Dec 2026, 14:00 (Europe/Paris)" in the current language (English reads as it always has,
 * src/lib/time-zones.ts's formatWithZone): a time people elsewhere can still place, for messages and mails.
 */
export function formatInZoneForReader(instant: Date, timeZone: string): string {
	const locale = intlLocale();
	let formatter = formatters.get(`${locale} ${timeZone}`);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat(locale, {
			timeZone,
			weekday: 'short',
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		});
		formatters.set(`${locale} ${timeZone}`, formatter);
	}
	return `${formatter.format(instant)} (${timeZone})`;
}
