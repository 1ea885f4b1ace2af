import { describe, expect, it } from 'vitest';
import { safeHref } from '../../src/lib/links';
import { UNSAFE_LINKS } from '../fixtures/unsafe-links';

describe('safeHref: the links pages may render', () => {
	it.each(UNSAFE_LINKS)('refuses %j', (url) => {
		expect(safeHref(url)).toBeUndefined();
	});

	it('keeps http and https links, as the forms store them', () => {
		expect(safeHref('https://github.com/example/robot')).toBe('https://github.com/example/robot');
		expect(safeHref('HTTP://Example.test/A?b=1#c')).toBe('HTTP://Example.test/A?b=1#c');
		expect(safeHref('  https://robot.example  ')).toBe('https://robot.example');
	});

	it('has nothing to render for an empty link', () => {
		expect(safeHref(null)).toBeUndefined();
		expect(safeHref(undefined)).toBeUndefined();
		expect(safeHref('')).toBeUndefined();
	});

	it('refuses a link longer than the forms accept', () => {
		expect(safeHref(`https://example.test/${'a'.repeat(2_000)}`)).toBeUndefined();
	});
});
