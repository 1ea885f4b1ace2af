import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';
import { keptPluralRules } from './scripts/kept-plural-rules.ts';

export default defineConfig({
	plugins: [
		tailwindcss(),
		sveltekit(),
		// Messages in messages/{locale}.json, compiled into src/lib/paraglide (see src/lib/i18n.ts).
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['custom-profile', 'baseLocale']
		}),
		keptPluralRules()
	],
	build: {
		rolldownOptions: {
			output: {
				// Svelte's and SvelteKit's browser code in one file instead of six, two of them under 1 KB:
				// every file costs the ballot page a request and about 300 bytes of headers on a first load
				// (it has a 60 KB budget: tests/e2e/light.test.ts).
				codeSplitting: {
					groups: [
						{
							name: 'runtime',
							// Paraglide's runtime too (its messages stay with the pages that use them).
							test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]|src[\\/]lib[\\/]paraglide[\\/]runtime/
						},
						{
							// A message shared by several pages: one file per area (owner_, platform_, ...) rather
							// than a file of a hundred bytes per message, each a request and a line in the entry.
							name: (id: string) => {
								const key = /paraglide[\\/]messages[\\/](\w+?)_/.exec(id)?.[1];
								return key && key !== 'error' ? `messages-${key}` : null;
							},
							minShareCount: 2
						}
					]
				}
			}
		}
	},
	test: {
		include: ['tests/{unit,integration}/**/*.test.ts'],
		// Each test file gets its own clean database (see tests/setup/database.ts).
		globalSetup: ['tests/setup/global.ts'],
		setupFiles: ['tests/setup/database.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
