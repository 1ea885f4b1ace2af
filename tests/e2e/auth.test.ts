import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
	completeProfile,
	fillProfile,
	outboxDir,
	parseSignInLink,
	requestSignInLink,
	signIn,
	signOut,
	uniqueEmail
} from './helpers/auth';
import { OwnServer } from './helpers/own-server';

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
	const response = await request.post('/sign-in', {
		form: { email },
		headers: { origin: 'https://evil.example', accept: 'text/html' }
	});
	expect(response.status()).toBe(403);
	expect(await response.text()).toContain('Cross-site POST form submissions are forbidden');
	// Mail goes out just after the answer; other test files send mail of their own meanwhile.
	await new Promise((resolve) => setTimeout(resolve, 500));
	const mailTo = (name: string) => parseSignInLink(readFileSync(path.join(outboxDir(), name), 'utf8'), email);
	expect(readdirSync(outboxDir()).filter(mailTo)).toEqual([]);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the whole flow works with plain forms', async ({ page }) => {
		await signIn(page, uniqueEmail('nojs'), { profile: { firstName: 'Plain' } });
		await expect(accountArea(page)).toContainText('Plain');
		await signOut(page);
	});
});

test('an imported user signs in and finds their profile; the session survives a restart; expired links say so', async ({
	browser
}) => {
	test.setTimeout(180_000);
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
