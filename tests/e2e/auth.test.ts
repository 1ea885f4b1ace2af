import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect, test, type Page } from '@playwright/test';
import { applyMigrations, type SqlConnection } from '../../src/lib/server/migrations';
import {
	completeProfile,
	fillProfile,
	outboxDir,
	requestSignInLink,
	signIn,
	signOut,
	uniqueEmail
} from './helpers/auth';

const accountArea = (page: Page) => page.getByTestId('account-area');

test('a new person signs in from a protected page, fills in the profile and signs out', async ({
	page,
	context
}) => {
	const email = uniqueEmail('ada');
	await page.goto('/profile');
	await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fprofile$/);

	const link = await requestSignInLink(page, email, { redirectTo: '/profile' });
	await expect(page.getByRole('status')).toContainText(`If ${email} can receive mail`);

	await page.goto(link);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Podium');
	await page.getByRole('button', { name: `Sign in as ${email}` }).click();

	// First sign-in: the profile step, then back to where the person was going.
	await expect(page).toHaveURL(/\/welcome\?redirectTo=%2Fprofile$/);
	await expect(page.getByTestId('profile-email')).toHaveText(email);
	await fillProfile(page, { firstName: 'Ada', lastName: 'Lovelace', phone: 'call me maybe' });
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await expect(page.getByText('Phone can hold digits')).toBeVisible();
	await expect(page.getByLabel('First name (required)')).toHaveValue('Ada');

	await fillProfile(page, { phone: '+1 555 0100', city: 'London', country: 'GB', dob: '2008-12-10' });
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await expect(page).toHaveURL(/\/profile$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your profile');
	await expect(page.getByLabel('Display name')).toHaveValue('Ada L.');
	await expect(page.getByLabel('City')).toHaveValue('London');
	await expect(page.getByLabel('Country')).toHaveValue('GB');
	await expect(accountArea(page)).toContainText('Ada L.');

	// Edit later; the email address is shown but cannot be edited.
	await fillProfile(page, { displayName: 'Countess' });
	await page.getByRole('button', { name: 'Save profile' }).click();
	await expect(page.getByText('Your profile is saved.')).toBeVisible();
	await expect(accountArea(page)).toContainText('Countess');
	await expect(page.locator('input[name="email"]')).toHaveCount(0);

	const cookie = (await context.cookies()).find((c) => c.name === 'podium_session');
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

	await signOut(page);
	await page.goto('/profile');
	await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fprofile$/);
	// The session was ended on the server: putting the old cookie back signs nobody in.
	await context.addCookies([cookie!]);
	await page.goto('/profile');
	await expect(page).toHaveURL(/\/sign-in/);
});

test('a used, an expired-looking and a mangled link each show a clear page with a way to get a new one', async ({
	page
}) => {
	const email = uniqueEmail('reuse');
	const link = await requestSignInLink(page, email);
	await page.goto(link);
	await page.getByRole('button', { name: `Sign in as ${email}` }).click();
	await completeProfile(page, { firstName: 'Reuse' });
	await signOut(page);

	await page.goto(link);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link was already used');
	await expect(page.getByLabel('Email address')).toHaveValue(email);
	await page.getByRole('button', { name: 'Email me a new link' }).click();
	await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();

	const mangled = link.replace(/token=(.{10})/, 'token=$1x');
	await page.goto(mangled);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link does not work');
	await expect(page.getByRole('button', { name: 'Email me a new link' })).toBeVisible();
	await page.goto('/sign-in/verify');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link does not work');
});

test('a sign-in link cannot send the person to another site', async ({ page, baseURL }) => {
	for (const target of ['https://evil.example/', '//evil.example/steal', '/\\evil.example']) {
		await signIn(page, uniqueEmail('redirect'), { redirectTo: target, profile: { firstName: 'Red' } });
		expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
		expect(new URL(page.url()).pathname).toBe('/');
		await signOut(page);
	}
});

test('signing in returns to a same-site page with its query', async ({ page }) => {
	await signIn(page, uniqueEmail('back'), {
		redirectTo: '/profile?from=mail',
		profile: { firstName: 'Back' }
	});
	await expect(page).toHaveURL(/\/profile\?from=mail$/);
});

test('past 5 requests for one address, the sign-in page says how long to wait (HTTP 429)', async ({
	page,
	request,
	baseURL
}) => {
	const email = uniqueEmail('limit');
	for (let i = 0; i < 5; i++) await requestSignInLink(page, email);
	await page.goto('/sign-in');
	await page.getByLabel('Email address').fill(email);
	await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		/Too many sign-in requests\. Please wait 1[45] minutes before asking for another link\./
	);
	// The same as a plain form post (no JavaScript): a 429 with Retry-After.
	const response = await request.post('/sign-in', {
		form: { email },
		headers: { origin: new URL(baseURL!).origin, accept: 'text/html' }
	});
	expect(response.status()).toBe(429);
	expect(Number(response.headers()['retry-after'])).toBeGreaterThan(800);
	expect(await response.text()).toContain('Too many sign-in requests.');
});

test('bad input on the sign-in form gets a clear message', async ({ request, baseURL }) => {
	const response = await request.post('/sign-in', {
		form: { email: 'not an address' },
		headers: { origin: new URL(baseURL!).origin, accept: 'text/html' }
	});
	expect(response.status()).toBe(400);
	expect(await response.text()).toContain('That does not look like an email address.');
});

test('a cross-site POST is refused by the CSRF check and sends no mail', async ({ request }) => {
	const email = uniqueEmail('csrf');
	const before = readdirSync(outboxDir()).length;
	const response = await request.post('/sign-in', {
		form: { email },
		headers: { origin: 'https://evil.example', accept: 'text/html' }
	});
	expect(response.status()).toBe(403);
	expect(await response.text()).toContain('Cross-site POST form submissions are forbidden');
	expect(readdirSync(outboxDir()).length).toBe(before);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the whole flow works with plain forms', async ({ page }) => {
		await signIn(page, uniqueEmail('nojs'), { profile: { firstName: 'Plain' } });
		await expect(accountArea(page)).toContainText('Plain');
		await signOut(page);
	});
});

// An app instance of this test's own, on an embedded database this test seeds and can change while the
// app is stopped: for imported users and for restarts.
class OwnServer {
	readonly dir = mkdtempSync(path.join(tmpdir(), 'podium-auth-e2e-'));
	readonly databaseDir = path.join(this.dir, 'pglite');
	readonly outbox = path.join(this.dir, 'outbox');
	port = 0;
	private child?: ChildProcess;

	get origin() {
		return `http://127.0.0.1:${this.port}`;
	}

	async withDatabase<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
		const db = await PGlite.create(this.databaseDir);
		try {
			await applyMigrations(db as unknown as SqlConnection);
			return await fn(db);
		} finally {
			await db.close();
		}
	}

	async start() {
		this.port ||= await freePort();
		const child = spawn(process.execPath, ['build'], {
			cwd: path.resolve(import.meta.dirname, '../..'),
			env: {
				...process.env,
				DATABASE_URL: '',
				EMBEDDED_DATABASE_DIR: this.databaseDir,
				MAIL_OUTBOX_DIR: this.outbox,
				PORT: String(this.port),
				HOST: '127.0.0.1',
				ORIGIN: this.origin,
				// adapter-node waits this long for the browser's keep-alive connections when stopped.
				SHUTDOWN_TIMEOUT: '1'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.child = child;
		let log = '';
		child.stdout?.on('data', (chunk) => (log += chunk));
		child.stderr?.on('data', (chunk) => (log += chunk));
		const deadline = Date.now() + 30_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${log}`);
			try {
				if ((await fetch(`${this.origin}/health`)).ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error('the app did not start in 30 s');
	}

	async stop() {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		// A stop as an orchestrator does it: ask politely, then kill. Either way the data must be kept.
		const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
		await exited;
		clearTimeout(timer);
	}

	async dispose() {
		await this.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
		});
	});
}

test('an imported user signs in and finds their profile; the session survives a restart; expired links say so', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const server = new OwnServer();
	try {
		// A users row as the Airtable backfill leaves it: profile data, no session, never signed in.
		await server.withDatabase((db) =>
			db.query(
				`INSERT INTO users (email, first_name, last_name, display_name, city, country, airtable_id)
				 VALUES ('grace@example.test', 'Grace', 'Hopper', 'Amazing Grace', 'Arlington', 'US', 'recGRACE000001')`
			)
		);
		await server.start();
		const context = await browser.newContext({ baseURL: server.origin });
		const page = await context.newPage();

		const lateLink = await requestSignInLink(page, 'late@example.test', { outboxDir: server.outbox });
		const link = await requestSignInLink(page, 'Grace@Example.test', {
			outboxDir: server.outbox,
			redirectTo: '/profile'
		});
		await page.goto(link);
		await page.getByRole('button', { name: 'Sign in as grace@example.test' }).click();
		// No profile step: the imported profile is kept.
		await expect(page).toHaveURL(/\/profile$/);
		await expect(accountArea(page)).toContainText('Amazing Grace');
		await expect(page.getByLabel('City')).toHaveValue('Arlington');
		await expect(page.getByLabel('Country')).toHaveValue('US');

		await server.stop();
		// While the app is down, let the other link age past its 15 minutes.
		await server.withDatabase((db) =>
			db.query(
				`UPDATE sign_in_links SET expires_at = now() - interval '1 minute' WHERE email = 'late@example.test'`
			)
		);
		await server.start();

		await page.goto('/profile');
		await expect(page).toHaveURL(/\/profile$/);
		await expect(accountArea(page)).toContainText('Amazing Grace');

		await page.goto(lateLink);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link has expired');
		await expect(page.getByText('Sign-in links work for 15 minutes')).toBeVisible();
		await page.getByRole('button', { name: 'Email me a new link' }).click();
		await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();

		// Sign out of all devices from the profile page.
		await page.goto('/profile');
		await page.getByRole('button', { name: 'Sign out of all devices' }).click();
		await expect(page.getByText('You are signed out on all your devices.')).toBeVisible();
		await page.goto('/profile');
		await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fprofile$/);
		await context.close();
	} finally {
		await server.dispose();
	}
});
