import { getLocale } from '$lib/paraglide/runtime';

/**
 * The locale for `Intl` (dates, times, numbers, lists) in the current language: English reads the
 * British way (24-hour clock, day before month), as Podium always has; other languages as they are.
 */
export function intlLocale(locale: string = getLocale()): string {
	return locale === 'en' ? 'en-GB' : locale;
}
