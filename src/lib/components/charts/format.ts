// Labels shared by the charts, in the page's language. Months arrive as YYYY-MM (UTC calendar months).
import { keptFormatter } from '$lib/intl';
import { getLocale } from '$lib/paraglide/runtime';

// One formatter per language (keptFormatter): making one costs far more than formatting with it (the
// platform dashboard formats hundreds of figures a view: making them was a fifth of its time).
const numberFormats = new Map<string, Intl.NumberFormat>();
const monthFormats = new Map<string, Intl.DateTimeFormat>();

// English keeps its own abbreviations: Intl's British ones say "Sept".
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-03" → "Mar" (in Spanish "mar"). */
export function shortMonth(month: string): string {
	const index = Number(month.slice(5, 7)) - 1;
	if (!(index >= 0 && index < 12)) return month;
	if (getLocale() === 'en') return MONTHS[index];
	const at = new Date(Date.UTC(Number(month.slice(0, 4)), index, 1));
	return keptFormatter(
		monthFormats,
		(locale) => new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' })
	).format(at);
}

/** "2026-03" → "Mar 2026". */
export const longMonth = (month: string) => `${shortMonth(month)} ${month.slice(0, 4)}`;

/** 12345 → "12,345" (in Spanish "12.345"). */
export const formatNumber = (value: number) =>
	keptFormatter(numberFormats, (locale) => new Intl.NumberFormat(locale)).format(value);

/** Every how many'th category to label so that labels of about `width` units fit `room` units. */
export const labelEvery = (count: number, room: number, width: number) =>
	Math.max(1, Math.ceil((count * width) / room));

/** The chart's drawing area inside the viewBox (the same for every chart, so they line up). */
export const FRAME = { width: 360, height: 200, top: 10, right: 8, bottom: 34, left: 42 };
