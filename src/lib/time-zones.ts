// Times in an event's time zone, with the platform's Intl and nothing else: no time-zone library and
// its tables in the bundle (the ballot page imports this, and it must stay light), and Node and the
// browsers already carry the IANA database.

/** "2026-12-05T14:00", the value of an <input type="datetime-local">: a wall-clock time, no zone. */
export type WallTime = string;

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const wallFormatters = new Map<string, Intl.DateTimeFormat>();

function wallFormatter(timeZone: string): Intl.DateTimeFormat {
	let formatter = wallFormatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		wallFormatters.set(timeZone, formatter);
	}
	return formatter;
}

/**
 * The IANA name of `name` as Intl spells it ("europe/paris" → "Europe/Paris"), or null when it is not a
 * time zone Intl knows. Offsets like "+02:00" are refused: they ignore summer time, a venue's zone does not.
 */
export function canonicalTimeZone(name: string): string | null {
	const trimmed = name.trim();
	if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(trimmed)) return null;
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
	} catch {
		return null;
	}
}

/** Every time zone Intl lists, for the settings form's choice (UTC first). */
export function listTimeZones(): string[] {
	return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
}

/** What clocks in `timeZone` show at `instant`, as two-digit (year: four-digit) strings, hours 00–23. */
export function wallClockParts(instant: Date, timeZone: string) {
	const parts = Object.fromEntries(
		wallFormatter(timeZone)
			.formatToParts(instant)
			.map((part) => [part.type, part.value])
	);
	const { year, month, day, hour, minute, second } = parts;
	return { year, month, day, hour, minute, second };
}

/** The wall-clock time in `timeZone` at `instant`, to the minute, as a datetime-local value. */
export function toWallTime(instant: Date, timeZone: string): WallTime {
	const p = wallClockParts(instant, timeZone);
	return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Milliseconds `timeZone` is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
	const p = wallClockParts(new Date(ms), timeZone);
	const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which clocks in `timeZone` show `wall`; 'invalid' for a malformed or impossible date
 * (31 February), 'skipped' for a time the clocks jump over (spring forward). A time that happens twice
 * (autumn) is its first occurrence.
 */
export function fromWallTime(wall: string, timeZone: string): Date | 'invalid' | 'skipped' {
	const match = WALL_TIME.exec(wall.trim());
	if (!match) return 'invalid';
	const [year, month, day, hour, minute] = match.slice(1).map(Number);
	const asUtc = Date.UTC(year, month - 1, day, hour, minute);
	const check = new Date(asUtc);
	if (
		year < 1970 ||
		year > 2200 ||
		check.getUTCMonth() !== month - 1 ||
		check.getUTCDate() !== day ||
		hour > 23 ||
		minute > 59
	) {
		return 'invalid';
	}
	// A zone changes its offset at most once within a day either side, so the offsets a day before and
	// a day after are the only candidates; those that give back the same wall time are the answers.
	const oneDay = 86_400_000;
	const candidates = [...new Set([offsetAt(asUtc - oneDay, timeZone), offsetAt(asUtc + oneDay, timeZone)])]
		.map((offset) => asUtc - offset)
		.filter((ms) => toWallTime(new Date(ms), timeZone) === wall.trim())
		.sort((a, b) => a - b);
	return candidates.length > 0 ? new Date(candidates[0]) : 'skipped';
}

const readableFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * "Sat, 5 Dec 2026, 14:00" in `timeZone`, in `locale` (pages pass intlLocale(): the page's language);
 * by default British English: day before month, 24-hour clock.
 */
export function formatInZone(instant: Date, timeZone: string, locale = 'en-GB'): string {
	const key = `${locale} ${timeZone}`;
	let formatter = readableFormatters.get(key);
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
		readableFormatters.set(key, formatter);
	}
	return formatter.format(instant);
}

/** "Sat, 5 Dec 2026, 14:00 (Europe/Paris)": a time people elsewhere can still place. */
export function formatWithZone(instant: Date, timeZone: string): string {
	return `${formatInZone(instant, timeZone)} (${timeZone})`;
}
