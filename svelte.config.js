import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
		}
	}
};

export default config;
