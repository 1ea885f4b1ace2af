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

	// Values whose normalised form is protocol-relative (`//host`) or otherwise leaves the site: the audit's
	// variants and more, in every encoding a browser or URL parser folds into a dot segment or a slash.
	const offSite = [
		'/.//evil.example',
		'/.//evil.example/phish',
		'/..//evil.example',
		'/../..//evil.example',
		'/%2e//evil.example',
		'/%2E//evil.example',
		'/%2e%2e//evil.example',
		'/%2E%2E//evil.example',
		'/%2e%2E//evil.example',
		'/.%2e//evil.example',
		'/%2e.//evil.example',
		'/././/evil.example',
		'/./././/evil.example',
		'/x/..//evil.example',
		'/x/../..//evil.example',
		'/x/y/../..//evil.example',
		'/x/%2e%2e//evil.example',
		'/x/./..//evil.example',
		'/.//evil.example?next=/',
		'/.//evil.example#/events',
		'/.//evil.example:8080/x',
		'/.//user@evil.example',
		'/.///evil.example',
		'/..///evil.example',
		'/./\\evil.example',
		'/.\\evil.example',
		'/.%5c/evil.example',
		'/.\t//evil.example',
		'/.%09//evil.example',
		'/.%0a//evil.example',
		'/\u3002//evil.example',
		'/.//%65vil.example',
		'/%2e/%2e//evil.example',
		'/.//evil.example/%2e%2e/',
		'/.//\u0065vil.example'
	];
	it.each(offSite)('never returns an off-site path for %j', (value) => {
		const result = safeRedirectPath(value);
		expect(result.startsWith('/')).toBe(true);
		expect(result.startsWith('//')).toBe(false);
		expect(result).not.toContain('\\');
		// A browser resolving the result against the site stays on the site.
		expect(new URL(result, 'https://podium.example').origin).toBe('https://podium.example');
	});

	it('refuses every audit variant outright rather than rewriting it', () => {
		for (const value of ['/.//', '/..//', '/%2e//', '/%2E%2E//', '/././/', '/x/..//']) {
			expect(safeRedirectPath(`${value}evil.example/phish`)).toBe('/');
		}
	});

	it('keeps harmless paths that merely contain encoded slashes or dots', () => {
		expect(safeRedirectPath('/events/%2F%2Fevil.example')).toBe('/events/%2F%2Fevil.example');
		expect(safeRedirectPath('/events/a.b/c')).toBe('/events/a.b/c');
		expect(safeRedirectPath('/x/./y')).toBe('/x/y');
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
