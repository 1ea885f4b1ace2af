import { describe, expect, it } from 'vitest';
import {
	cleanText,
	httpLink,
	nonNegativeNumber,
	normalizeCountry,
	normalizeEmail,
	normalizeJoinCode,
	parseDateOfBirth,
	parseJsonText,
	slugify,
	splitFeatureFlags
} from '../../src/lib/server/backfill/normalize';
import { createRateLimiter } from '../../src/lib/server/backfill/source';
import { UNSAFE_LINKS } from '../fixtures/unsafe-links';

describe('backfill field fixes', () => {
	it('normalises emails and refuses what is not one', () => {
		expect(normalizeEmail('  Ada@Example.COM\t')).toBe('ada@example.com');
		expect(normalizeEmail('not-an-email')).toBeNull();
		expect(normalizeEmail(undefined)).toBeNull();
	});

	it('stores countries as ISO codes, mapping names and reporting what it cannot map', () => {
		expect(normalizeCountry('us')).toEqual({ value: 'US' });
		expect(normalizeCountry('United Kingdom').value).toBe('GB');
		expect(normalizeCountry('UK').value).toBe('GB');
		expect(normalizeCountry('Côte d’Ivoire').value).toBe('CI');
		expect(normalizeCountry('EU')).toMatchObject({
			value: null,
			problem: expect.stringContaining('not a country')
		});
		expect(normalizeCountry('Narnia')).toMatchObject({ value: null, problem: expect.any(String) });
	});

	it('keeps only real dates of birth', () => {
		expect(parseDateOfBirth('2004-02-29')).toEqual({ value: '2004-02-29' });
		expect(parseDateOfBirth('2005-02-29')).toMatchObject({ value: null, problem: expect.any(String) });
		expect(parseDateOfBirth('12/03/1990')).toMatchObject({ value: null });
		expect(parseDateOfBirth('2999-01-01')).toMatchObject({ value: null });
	});

	it('splits feature flags, parses JSON text and cleans what PostgreSQL cannot store', () => {
		expect(splitFeatureFlags('daydream, ysws ,,daydream')).toEqual(['daydream', 'ysws']);
		expect(parseJsonText('{"a": [1]}')).toEqual({ value: { a: [1] } });
		expect(parseJsonText('{oops')).toMatchObject({ value: null, problem: expect.stringContaining('JSON') });
		expect(parseJsonText('{"a": "x\\u0000y"}')).toEqual({ value: { a: 'xy' } });
		expect(cleanText('a\u0000b')).toEqual({ value: 'ab', problem: expect.any(String) });
		expect(cleanText('   ')).toEqual({ value: null });
	});

	it('makes slugs and join codes that pass the database checks', () => {
		expect(slugify('Campfire Paris! 2025')).toBe('campfire-paris-2025');
		expect(slugify('Ünïcödé')).toBe('unicode');
		expect(normalizeJoinCode(' ab-1 ')).toBe('AB-1');
		expect(normalizeJoinCode('x')).toBeNull();
		expect(nonNegativeNumber(-2)).toMatchObject({ value: 0, problem: expect.any(String) });
		expect(nonNegativeNumber('7.5')).toEqual({ value: 7.5 });
	});
});

describe('link cells (repo, demo, image), by the rule of the forms', () => {
	it.each(UNSAFE_LINKS)('leaves %j empty and says why', (url) => {
		const fixed = httpLink(url);
		expect(fixed.value).toBeNull();
		expect(fixed.problem).toMatch(/left empty: the link must be an http:\/\/ or https:\/\/ link/);
	});

	it('keeps http(s) links, and empty cells empty without a word', () => {
		expect(httpLink('https://robot.example/demo')).toEqual({ value: 'https://robot.example/demo' });
		expect(httpLink(' http://robot.example ')).toEqual({ value: 'http://robot.example' });
		expect(httpLink(undefined)).toEqual({ value: null });
		expect(httpLink('   ')).toEqual({ value: null });
		expect(httpLink('https://robot.ex\tample')).toEqual({
			value: 'https://robot.example',
			problem: 'tabs or line breaks removed'
		});
	});

	it('shows a dropped value escaped and shortened', () => {
		const fixed = httpLink(`javascript:alert(1)\n${'x'.repeat(200)}`);
		expect(fixed.problem).toContain('"javascript:alert(1)\\nxxx');
		expect(fixed.problem!.length).toBeLessThan(200);
	});
});

describe('the Airtable rate limiter', () => {
	it('lets 5 requests go at once, then waits a second after an answer before reusing its slot', async () => {
		const acquire = createRateLimiter(5, 200);
		const started: number[] = [];
		const t0 = Date.now();
		await Promise.all(
			Array.from({ length: 12 }, async () => {
				const release = await acquire();
				started.push(Date.now() - t0);
				release();
			})
		);
		expect(started.slice(0, 5).every((t) => t < 50)).toBe(true);
		for (let i = 5; i < started.length; i++) expect(started[i] - started[i - 5]).toBeGreaterThanOrEqual(195);
	});
});
