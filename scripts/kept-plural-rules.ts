import type { Plugin } from 'vite';

// Paraglide's generated registry (src/lib/paraglide/registry.js) makes a new Intl.PluralRules for every
// plural message it renders: 15 µs each on this machine, against 0.4 µs to use one already made. A
// ballot answers with a few; a table of people or projects renders one per row. This plugin keeps one
// per language and options instead, as the charts keep their formatters (src/lib/intl.ts).

const MADE_EACH_TIME = 'new Intl.PluralRules(locale, options)';

const KEPT = `
const keptPluralRules = new Map();

/** The plural rules of \`locale\` with \`options\`, made once (a handful: languages × messages' options). */
function pluralRules(locale, options) {
	const key = options ? \`\${locale} \${JSON.stringify(options)}\` : locale;
	let rules = keptPluralRules.get(key);
	if (!rules) keptPluralRules.set(key, (rules = new Intl.PluralRules(locale, options)));
	return rules;
}
`;

/** Rewrites the registry's `plural` to use kept rules; fails the build if Paraglide wrote it otherwise. */
export function rewriteRegistry(code: string): string {
	if (!code.includes(MADE_EACH_TIME)) {
		throw new Error(
			`Paraglide's registry no longer makes its plural rules with "${MADE_EACH_TIME}": ` +
				'see scripts/kept-plural-rules.ts (remove this plugin if Paraglide now keeps them itself).'
		);
	}
	return `${code.replaceAll(MADE_EACH_TIME, 'pluralRules(locale, options)')}\n${KEPT}`;
}

/** The Vite plugin: applies rewriteRegistry to the registry, for the server and the browser alike. */
export function keptPluralRules(): Plugin {
	return {
		name: 'podium:kept-plural-rules',
		transform(code, id) {
			if (!/[\\/]src[\\/]lib[\\/]paraglide[\\/]registry\.js$/.test(id)) return undefined;
			return { code: rewriteRegistry(code), map: null };
		}
	};
}
