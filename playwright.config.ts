import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
const origin = `http://127.0.0.1:${port}`;

// Debian's Chromium here; elsewhere set PLAYWRIGHT_CHROMIUM_PATH, or leave it unset to use the browser
// that `npx playwright install chromium` downloads.
const executablePath =
	process.env.PLAYWRIGHT_CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
	testDir: 'tests/e2e',
	// Test files are independent (each signs in people of its own), so two run at once; the tests inside
	// a file run in order.
	fullyParallel: false,
	workers: Number(process.env.E2E_WORKERS) || 2,
	retries: 0,
	// Generous: these machines are shared and some are half as fast as others; a test proves behaviour,
	// not speed (the benchmarks measure that). Seven sign-ins at once took over 5 s on a slow one, and
	// tests that ran in 35–55 s alone took up to 60 s beside the other worker in CI.
	timeout: 120_000,
	expect: { timeout: 10_000 },
	reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : 'list',
	use: {
		baseURL: origin,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--headless',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		// The built app, started as in production (`npm start`). scripts/test.mjs builds it and chooses its
		// database.
		command: 'node scripts/serve.mjs',
		url: `${origin}/health`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'pipe',
		stderr: 'pipe',
		// The built app is production: without an SMTP server its mail goes to the outbox on purpose.
		// Its access lines (one per request) would drown the test report: warnings and errors only.
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			MAIL_TRANSPORT: 'outbox',
			LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn'
		}
	}
});
