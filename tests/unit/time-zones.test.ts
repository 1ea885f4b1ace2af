import { describe, expect, it } from 'vitest';
import { formatCsvDate } from '../../src/lib/server/admin/csv';
import {
	canonicalTimeZone,
	formatWithZone,
	fromWallTime,
	listTimeZones,
	toWallTime
} from '../../src/lib/time-zones';

// Wall-clock times typed by an owner in the venue's time zone, and back.

describe('time zones', () => {
	it('accepts IANA names in any case, and refuses offsets, abbreviations and nonsense', () => {
		expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
		expect(canonicalTimeZone(' europe/paris ')).toBe('Europe/Paris');
		expect(canonicalTimeZone('UTC')).toBe('UTC');
		for (const bad of ['Mars/Olympus_Mons', '+02:00', '', 'Europe/Paris; DROP TABLE', 'Not a zone']) {
			expect(canonicalTimeZone(bad), bad).toBeNull();
		}
		expect(listTimeZones()[0]).toBe('UTC');
		expect(listTimeZones()).toContain('America/New_York');
	});

	it('turns a wall time into the right instant in winter, in summer and at half-hour offsets', () => {
		expect(fromWallTime('2026-12-05T14:00', 'Europe/Paris')).toEqual(new Date('2026-12-05T13:00:00Z'));
		expect(fromWallTime('2026-07-05T14:00', 'Europe/Paris')).toEqual(new Date('2026-07-05T12:00:00Z'));
		expect(fromWallTime('2026-12-05T14:00', 'America/New_York')).toEqual(new Date('2026-12-05T19:00:00Z'));
		expect(fromWallTime('2026-12-05T14:00', 'Asia/Kolkata')).toEqual(new Date('2026-12-05T08:30:00Z'));
		expect(fromWallTime('2026-12-05T14:00', 'UTC')).toEqual(new Date('2026-12-05T14:00:00Z'));
		expect(toWallTime(new Date('2026-07-05T12:00:00Z'), 'Europe/Paris')).toBe('2026-07-05T14:00');
	});

	it('says when clocks skip a time, and takes the first of a time that happens twice', () => {
		// Europe/Paris: 29 March 2026 02:00 → 03:00; 25 October 2026 03:00 → 02:00.
		expect(fromWallTime('2026-03-29T02:30', 'Europe/Paris')).toBe('skipped');
		expect(fromWallTime('2026-10-25T02:30', 'Europe/Paris')).toEqual(new Date('2026-10-25T00:30:00Z'));
	});

	it('refuses malformed and impossible dates', () => {
		for (const bad of [
			'2026-02-30T10:00',
			'2026-13-01T10:00',
			'2026-12-05T24:00',
			'tomorrow',
			'2026-12-05'
		]) {
			expect(fromWallTime(bad, 'Europe/Paris'), bad).toBe('invalid');
		}
	});

	it('formats times with the zone named, and CSV dates in UTC', () => {
		const at = new Date('2026-12-05T13:00:00Z');
		expect(formatWithZone(at, 'Europe/Paris')).toBe('Sat, 5 Dec 2026, 14:00 (Europe/Paris)');
		expect(formatCsvDate(at)).toBe('2026-12-05 13:00:00');
	});
});
