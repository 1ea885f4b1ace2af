import { expect, test, type Page } from '@playwright/test';
import { OAuth2Server } from 'oauth2-mock-server';
import { completeProfile, signOut, uniqueEmail } from './helpers/auth';
import { expectAccessible } from './helpers/axe';
import { OwnServer } from './helpers/own-server';

// "Sign in with <provider>" end to end: the built app configured with OIDC_* against a local OpenID
// Connect provider (oauth2-mock-server), in a real browser. The provider signs in at once (no login
// form) and puts into its tokens the claims a test chooses.

test.describe.configure({ mode: 'serial' });

let provider: OAuth2Server;
let app: OwnServer;
let claims: Record<string, unknown> = {};
let authorizeQueries: URLSearchParams[] = [];

test.beforeAll(async () => {
	provider = new OAuth2Server();
	await provider.issuer.keys.generate('RS256');
	// Free ports, chosen when they start: other test files run their own servers meanwhile.
	await provider.start(undefined, '127.0.0.1');
	provider.service.on('beforeTokenSigning', (token) => Object.assign(token.payload, claims));
	provider.service.on('beforeAuthorizeRedirect', (_redirect, req) => {
		authorizeQueries.push(new URL(req.url ?? '', 'http://provider.invalid').searchParams);
	});
	app = new OwnServer({
		OIDC_ISSUER: provider.issuer.url!,
		OIDC_CLIENT_ID: 'podium-test',
		OIDC_CLIENT_SECRET: 'podium-test-secret',
		OIDC_NAME: 'Hack Club',
		// The migrated test database when there is one (npm test), else the app's own embedded one.
		...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {})
	});
	await app.start();
});

test.afterAll(async () => {
	await app?.dispose();
	await provider?.stop().catch(() => {});
});

/** A page on the OIDC-enabled app that records every server error it sees. */
async function openPage(browser: import('@playwright/test').Browser) {
	const context = await browser.newContext({ baseURL: app.origin });
	const page = await context.newPage();
	const serverErrors: string[] = [];
	page.on('response', (response) => {
		if (response.url().startsWith(app.origin) && response.status() >= 500)
			serverErrors.push(`${response.status()} ${response.url()}`);
	});
	return { page, serverErrors, close: () => context.close() };
}

async function startSignIn(page: Page) {
	await page.goto('/sign-in');
	await page.getByRole('link', { name: 'Sign in with Hack Club' }).click();
}

async function expectSignedOut(page: Page) {
	await page.goto('/profile');
	await expect(page).toHaveURL(/\/sign-in\?redirectTo=/);
}

test('a verified address signs in: a new account is created, and the same account is found next time', async ({
	browser
}) => {
	const { page, serverErrors, close } = await openPage(browser);
	const email = uniqueEmail('oidc');
	claims = { email: email.toUpperCase(), email_verified: true };
	authorizeQueries = [];

	await startSignIn(page);
	// A new account asks for the profile first, as an emailed link does.
	await expect(page).toHaveURL(/\/welcome/);
	await completeProfile(page, { firstName: 'Ada' });
	await page.goto('/profile');
	await expect(page.getByText(email)).toBeVisible();

	// The request to the provider carried PKCE (S256), a state and a nonce.
	const query = authorizeQueries.at(-1)!;
	expect(query.get('code_challenge_method')).toBe('S256');
	expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
	expect(query.get('state')?.length).toBeGreaterThan(20);
	expect(query.get('nonce')?.length).toBeGreaterThan(20);
	expect(query.get('redirect_uri')).toBe(`${app.origin}/sign-in/oidc/callback`);

	await signOut(page);
	await expectSignedOut(page);
	await startSignIn(page);
	// The account of that address, profile and all: no profile step this time.
	await page.waitForURL((url) => url.pathname === '/');
	await page.goto('/profile');
	await expect(page.getByText(email)).toBeVisible();
	await expect(page.getByLabel('First name (required)', { exact: true })).toHaveValue('Ada');
	expect(serverErrors).toEqual([]);
	await close();
});

test('an answer whose state does not match this browser’s sign-in signs nobody in', async ({ browser }) => {
	const { page, serverErrors, close } = await openPage(browser);
	claims = { email: uniqueEmail('forged'), email_verified: true };
	provider.service.once('beforeAuthorizeRedirect', (redirect) => {
		redirect.url.searchParams.set('state', 'forged-state-value-from-another-browser');
	});
	await startSignIn(page);
	await expect(page.getByRole('heading', { name: 'You are not signed in' })).toBeVisible();
	await expect(page.getByRole('alert')).toContainText('could not be matched to one started in this browser');
	await expect(page.getByRole('link', { name: 'Try again with Hack Club' })).toBeVisible();
	await expectAccessible(page, 'the failed OIDC sign-in page');
	await expectSignedOut(page);
	expect(serverErrors).toEqual([]);
	await close();
});

test('an address the provider has not verified signs nobody in', async ({ browser }) => {
	const { page, serverErrors, close } = await openPage(browser);
	claims = { email: uniqueEmail('unverified'), email_verified: false };
	await startSignIn(page);
	await expect(page.getByRole('alert')).toContainText(
		'Hack Club has not verified the email address of your account there'
	);
	await expectSignedOut(page);
	expect(serverErrors).toEqual([]);
	await close();
});

test('when the provider is down, the page says so instead of failing', async ({ browser }) => {
	const { page, serverErrors, close } = await openPage(browser);
	await provider.stop();
	await startSignIn(page);
	await expect(page).toHaveURL(/\/sign-in\/oidc\?problem=provider-down/);
	await expect(page.getByRole('alert')).toContainText('Hack Club is not answering right now');
	await expect(page.getByRole('link', { name: 'Sign in with an email link instead' })).toBeVisible();
	await expectAccessible(page, 'the provider-down page');
	await expectSignedOut(page);
	expect(serverErrors).toEqual([]);
	await close();
});
