import { intlLocale } from '../../intl.ts';
import { formatInZone } from '../../time-zones.ts';

/**
 * "Sat, 5 Dec 2026, 14:00 (Europe/Paris)" in the current language (English reads as it always has,
 * src/lib/time-zones.ts's formatWithZone): a time people elsewhere can still place, for messages and mails.
 */
export function formatInZoneForReader(instant: Date, timeZone: string): string {
	return `${formatInZone(instant, timeZone, intlLocale())} (${timeZone})`;
}
