import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// SvelteKit's route announcer (a visually hidden live region that reads out the new page's title) is
// the one element with a style attribute. Exactly that attribute is allowed, by its hash; the browser
// tests (tests/e2e/production.test.ts) fail on any CSP violation, so a SvelteKit that changes it is noticed.
const ANNOUNCER_STYLE =
	'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const sha256 = (text) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		adapter: adapter(),
		typescript: {
			// svelte-check also checks the operator and benchmark scripts (npm run seed:scale, bench:scale, ...).
			config: (config) => ({ ...config, include: [...config.include, '../scripts/**/*.ts'] })
		},
		// Pages run only the app's own scripts and styles: SvelteKit adds a nonce per rendered page (a
		// hash for prerendered ones) for its inline start-up script. No inline style attributes but the
		// announcer's (bars are drawn as SVG). Images may come from https: project images are links their
		// makers gave.
		// Other responses get a stricter policy in src/hooks.server.ts.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				'style-src-attr': ['unsafe-hashes', sha256(ANNOUNCER_STYLE)],
				'img-src': ['self', 'data:', 'https:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
