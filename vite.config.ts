import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	build: {
		rolldownOptions: {
			output: {
				// Svelte's and SvelteKit's browser code in one file instead of six, two of them under 1 KB:
				// every file costs the ballot page a request and about 300 bytes of headers on a first load
				// (it has a 60 KB budget: tests/e2e/light.test.ts).
				codeSplitting: {
					groups: [
						{ name: 'runtime', test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]/ }
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
