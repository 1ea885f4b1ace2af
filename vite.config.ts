import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	test: {
		include: ['tests/{unit,integration}/**/*.test.ts'],
		// Each test file gets its own clean database (see tests/setup/database.ts).
		globalSetup: ['tests/setup/global.ts'],
		setupFiles: ['tests/setup/database.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
