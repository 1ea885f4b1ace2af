import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultDisplayName } from '../../src/lib/display-name';
import { safeRedirectPath } from '../../src/lib/server/auth/redirect';
import { generateToken, hashToken, looksLikeToken } from '../../src/lib/server/auth/tokens';

describe('tokens', () => {
	it('are 160 random bits in lower-case base32, never repeated', () => {
		const tokens = new Set(Array.from({ length: 1000 }, generateToken));
		expect(tokens.size).toBe(1000);
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
	});

	it('are stored as their hex SHA-256', () => {
		const token = generateToken();
		expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
		expect(hashToken(token)).not.toContain(token);
	});

	it('anything that is not shaped like a token is refused up front', () => {
		expect(looksLikeToken(generateToken())).toBe(true);
		for (const bad of [
			undefined,
			null,
			42,
			'',
			'abc',
			'A'.repeat(32),
			`${generateToken()}x`,
			"' OR 1=1 --"
		]) {
			expect(looksLikeToken(bad)).toBe(false);
		}
	});
});

describe('safeRedirectPath (no open redirect)', () => {
	it('keeps same-origin paths with their query and fragment', () => {
		expect(safeRedirectPath('/events/abc?tab=votes#top')).toBe('/events/abc?tab=votes#top');
		expect(safeRedirectPath('/join/ABCD')).toBe('/join/ABCD');
		expect(safeRedirectPath('/a/../b')).toBe('/b');
	});

	it.each([
		'https://evil.example/',
		'http://evil.example',
		'//evil.example/path',
		'/\\evil.example',
		'\\\\evil.example',
		'/\t/evil.example',
		'javascript:alert(1)',
		'data:text/html,hi',
		'evil.example',
		'',
		' /events',
		`/${'a'.repeat(2100)}`
	])('refuses %j', (value) => {
		expect(safeRedirectPath(value)).toBe('/');
	});

	it('falls back for non-strings and honours a given fallback', () => {
		expect(safeRedirectPath(null)).toBe('/');
		expect(safeRedirectPath(undefined, '/profile')).toBe('/profile');
		expect(safeRedirectPath(['/x'])).toBe('/');
	});
});

describe('defaultDisplayName', () => {
	it('is "First L." or the first name alone', () => {
		expect(defaultDisplayName('Ada', 'lovelace')).toBe('Ada L.');
		expect(defaultDisplayName('  Ada ', '  ')).toBe('Ada');
		expect(defaultDisplayName('Ada', null)).toBe('Ada');
	});
});
