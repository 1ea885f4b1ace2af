import { afterEach, describe, expect, it } from 'vitest';
import { formatNumber, longMonth, shortMonth } from '../../src/lib/components/charts/format';
import { formatWhen } from '../../src/routes/admin/format';
import { baseLocale, overwriteGetLocale, type Locale } from '../../src/lib/paraglide/runtime';

// The figures and months of the charts, and the admin pages' times, in the reader's language. Their
// formatters are kept per language: a reader of one language must never get another's.
let language: Locale = baseLocale;
overwriteGetLocale(() => language);
afterEach(() => (language = baseLocale));

describe('chart labels and admin times', () => {
	it('read as each language writes them, switching back and forth', () => {
		const march = new Date(Date.UTC(2026, 2, 5, 14, 7));
		const seen = (['en', 'es', 'en', 'es'] as const).map((locale) => {
			language = locale;
			return [formatNumber(1234567), shortMonth('2026-03'), longMonth('2026-09'), formatWhen(march)];
		});
		expect(seen[0]).toEqual(['1,234,567', 'Mar', 'Sep 2026', '5 Mar 2026, 14:07 UTC']);
		expect(seen[1][0]).toBe('1.234.567');
		expect(seen[1][1]).toBe('mar');
		expect(seen[1][2]).toBe('sept 2026');
		expect(seen[1][3]).toMatch(/^5 mar 2026, 14:07 UTC$/);
		expect(seen[2]).toEqual(seen[0]);
		expect(seen[3]).toEqual(seen[1]);
	});
});
