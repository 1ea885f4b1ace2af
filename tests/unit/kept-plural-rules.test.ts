import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { rewriteRegistry } from '../../scripts/kept-plural-rules';

// Paraglide's registry as the build rewrites it: the same plural forms, from rules made once per
// language and options rather than once per message rendered.

const generated = readFileSync(
	path.resolve(import.meta.dirname, '../../src/lib/paraglide/registry.js'),
	'utf8'
);
const dir = mkdtempSync(path.join(tmpdir(), 'podium-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Plural = (locale: string, input: unknown, options?: Intl.PluralRulesOptions) => string;

async function registry(code: string, name: string): Promise<{ plural: Plural }> {
	const file = path.join(dir, `${name}.mjs`);
	writeFileSync(file, code);
	return import(/* @vite-ignore */ pathToFileURL(file).href);
}

/** How many Intl.PluralRules `task` makes. */
function pluralRulesMadeBy(task: () => void): number {
	const Made = Intl.PluralRules;
	let made = 0;
	const spy = vi.spyOn(Intl, 'PluralRules').mockImplementation(function (...args) {
		made++;
		return new Made(...args);
	} as typeof Intl.PluralRules);
	try {
		task();
	} finally {
		spy.mockRestore();
	}
	return made;
}

describe('the plural rules of the messages', () => {
	it('give the same forms as Paraglide’s, in English and Spanish, cardinal and ordinal', async () => {
		const original = await registry(generated, 'original');
		const kept = await registry(rewriteRegistry(generated), 'kept');
		for (const locale of ['en', 'es']) {
			for (const n of [0, 1, 2, 3, 5, 11, 21, 1.5]) {
				expect(kept.plural(locale, n)).toBe(original.plural(locale, n));
				expect(kept.plural(locale, n, { type: 'ordinal' })).toBe(
					original.plural(locale, n, { type: 'ordinal' })
				);
			}
		}
		expect([kept.plural('en', 1), kept.plural('en', 3), kept.plural('en', 2, { type: 'ordinal' })]).toEqual([
			'one',
			'other',
			'two'
		]);
	});

	it('are made once per language and options, however many messages are rendered', async () => {
		const original = await registry(generated, 'original-count');
		const kept = await registry(rewriteRegistry(generated), 'kept-count');
		const render = (plural: Plural) => () => {
			for (let n = 0; n < 500; n++) {
				plural(n % 2 ? 'en' : 'es', n);
				plural('en', n, { type: 'ordinal' });
			}
		};
		expect(pluralRulesMadeBy(render(original.plural))).toBe(1000);
		expect(pluralRulesMadeBy(render(kept.plural))).toBe(3);
		expect(pluralRulesMadeBy(render(kept.plural))).toBe(0);
	});

	it('fail the build with a clear message if Paraglide writes its registry otherwise', () => {
		expect(() => rewriteRegistry('export function plural() { return "other"; }')).toThrow(
			/no longer makes its plural rules/
		);
	});
});
