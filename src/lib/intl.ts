import { getLocale } from '$lib/paraglide/runtime';

/**
 * The locale for `Intl` (dates, times, numbers, lists) in the current language: English reads the
 * British way (24-hour clock, day before month), as Podium always has; other languages as they are.
 */
export function intlLocale(locale: string = getLocale()): string {
	return locale === 'en' ? 'en-GB' : locale;
}

/**
 * The formatter kept in `formats` for the current language, made by `make` the first time it is asked
 * for: making an Intl formatter costs far more than formatting with it.
 */
export function keptFormatter<F>(formats: Map<string, F>, make: (locale: string) => F): F {
	const locale = intlLocale();
	let format = formats.get(locale);
	if (!format) {
		format = make(locale);
		formats.set(locale, format);
	}
	return format;
}
