import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { post, urlencoded } from './requests';

// Signing in through the real flow, for any browser test: type the address, read the link from the
// outbox the server writes mail to (MAIL_OUTBOX_DIR), open it, press "Sign in", fill in the profile if
// asked. Give every test its own address (uniqueEmail): each address may ask for 5 links per 15 minutes.

export interface ProfileFields {
	firstName?: string;
	lastName?: string;
	displayName?: string;
	phone?: string;
	street1?: string;
	street2?: string;
	city?: string;
	state?: string;
	zipCode?: string;
	/** ISO 3166-1 alpha-2, e.g. "US". */
	country?: string;
	/** YYYY-MM-DD. */
	dob?: string;
}

export interface SignInOptions {
	/** Filled in on the first-sign-in profile step (first name defaults to "Tester"). */
	profile?: ProfileFields;
	/** Where to come back to after signing in (the sign-in page's ?redirectTo=). */
	redirectTo?: string;
	/** The outbox of the server under test; defaults to MAIL_OUTBOX_DIR, as the server reads it. */
	outboxDir?: string;
}

/** The folder the server under test writes its mail to. */
export function outboxDir(): string {
	return path.resolve(process.env.MAIL_OUTBOX_DIR?.trim() || '.data/outbox');
}

let counter = 0;
/** An address no other test uses, e.g. `ada-1-k3j9@example.test`. */
export function uniqueEmail(prefix = 'user'): string {
	return `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}@example.test`.toLowerCase();
}

function listMail(dir: string): string[] {
	try {
		return readdirSync(dir).filter((name) => name.endsWith('.eml'));
	} catch {
		return [];
	}
}

/** Decodes quoted-printable soft breaks and escapes, enough to read a link out of a message. */
function decodeQuotedPrintable(text: string): string {
	return text
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The sign-in link (path and query) in an RFC 5322 message addressed to `email`, if it is one. */
export function parseSignInLink(eml: string, email: string): string | undefined {
	const [headers] = eml.split(/\r?\n\r?\n/, 1);
	const to = headers
		.match(/^To:\s*(.+)$/im)?.[1]
		.trim()
		.toLowerCase();
	if (!to?.includes(email.toLowerCase())) return undefined;
	const match = decodeQuotedPrintable(eml).match(/https?:\/\/[^\s"'<>]+\/sign-in\/verify\?token=[a-z2-7]+/);
	if (!match) return undefined;
	const url = new URL(match[0]);
	return `${url.pathname}${url.search}`;
}

/**
 * Waits for a sign-in mail to `email` that was not in the outbox before (`seen`), and returns its link
 * as a path, to open against the server under test.
 */
export async function waitForSignInLink(
	email: string,
	options: { seen?: Set<string>; outboxDir?: string; timeoutMs?: number } = {}
): Promise<string> {
	const dir = options.outboxDir ?? outboxDir();
	const seen = options.seen ?? new Set<string>();
	const deadline = Date.now() + (options.timeoutMs ?? 10_000);
	while (Date.now() < deadline) {
		const fresh = listMail(dir)
			.filter((name) => !seen.has(name))
			.sort((a, b) => statSync(path.join(dir, b)).mtimeMs - statSync(path.join(dir, a)).mtimeMs);
		for (const name of fresh) {
			const link = parseSignInLink(readFileSync(path.join(dir, name), 'utf8'), email);
			if (link) return link;
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`No sign-in mail to ${email} arrived in ${dir}`);
}

/** Asks for a sign-in link on the sign-in page and returns the link's path from the outbox. */
export async function requestSignInLink(
	page: Page,
	email: string,
	options: Pick<SignInOptions, 'redirectTo' | 'outboxDir'> = {}
): Promise<string> {
	const dir = options.outboxDir ?? outboxDir();
	const seen = new Set(listMail(dir));
	const query = options.redirectTo ? `?redirectTo=${encodeURIComponent(options.redirectTo)}` : '';
	await page.goto(`/sign-in${query}`);
	await page.getByLabel('Email address').fill(email);
	await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
	await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
	return waitForSignInLink(email, { seen, outboxDir: dir });
}

/** Fills in and saves the first-sign-in profile step (the page must be showing it). */
export async function completeProfile(page: Page, profile: ProfileFields = {}): Promise<void> {
	await fillProfile(page, { firstName: 'Tester', ...profile });
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await page.waitForURL((url) => url.pathname !== '/welcome');
}

/** Types the given fields into a profile form (the first-sign-in step or the profile page). */
export async function fillProfile(page: Page, profile: ProfileFields): Promise<void> {
	const labels: Record<keyof ProfileFields, string> = {
		firstName: 'First name (required)',
		lastName: 'Last name',
		displayName: 'Display name',
		phone: 'Phone',
		street1: 'Street address',
		street2: 'Street address line 2',
		city: 'City',
		state: 'State or region',
		zipCode: 'ZIP or postal code',
		country: 'Country',
		dob: 'Date of birth'
	};
	for (const [field, value] of Object.entries(profile) as [keyof ProfileFields, string | undefined][]) {
		if (value === undefined) continue;
		const input = page.getByLabel(labels[field], { exact: true });
		if (field === 'country') await input.selectOption(value);
		else await input.fill(value);
	}
}

/**
 * Runs `check` with the header's menu unfolded when it is folded (a phone-sized screen: the account area
 * is inside it), and folds it again afterwards if the page is still there.
 */
export async function inHeaderMenu(page: Page, check: () => Promise<void>): Promise<void> {
	const summary = page.locator('header details > summary');
	const folded =
		(await summary.isVisible()) &&
		!(await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open));
	if (folded) await summary.click();
	await check();
	if (folded && (await summary.isVisible())) {
		if (await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open)) await summary.click();
	}
}

/**
 * Signs `email` in on `page` through the real flow and completes the profile step if the account is
 * new. Ends on the page the flow returns to (`redirectTo`, else the home page).
 */
export async function signIn(page: Page, email: string, options: SignInOptions = {}): Promise<void> {
	const link = await requestSignInLink(page, email, options);
	await page.goto(link);
	await page.getByRole('button', { name: /^Sign in as / }).click();
	await page.waitForURL((url) => url.pathname !== '/sign-in/verify');
	if (new URL(page.url()).pathname === '/welcome') await completeProfile(page, options.profile);
	await inHeaderMenu(page, () =>
		expect(page.getByTestId('account-area').getByRole('button', { name: 'Sign out' })).toBeVisible()
	);
}

/**
 * Signs `email` in on a browser context through the same flow by plain form posts, as a browser
 * without JavaScript sends them, and fills in the profile step if the account is new: no page is drawn.
 * For tests where signing in is a step and not what they test (signIn above, and auth.test.ts, prove
 * the pages); it takes a fraction of the machine's time. The context's pages share its cookies.
 * `welcome: false` stops before the profile step, as someone who closed the tab there.
 */
export async function signInByPosts(
	context: BrowserContext,
	email: string,
	options: SignInOptions & { origin?: string; welcome?: boolean } = {}
): Promise<void> {
	// The context's own server (its baseURL, which a test may point at a server of its own).
	const origin = options.origin ?? new URL((await context.request.get('/health')).url()).origin;
	const postForm = (url: string, fields: [string, string][]) =>
		post(context.request, origin, `${origin}${url}`, urlencoded(fields));
	const dir = options.outboxDir ?? outboxDir();
	const seen = new Set(listMail(dir));
	// The sign-in page sends where to come back to as a hidden field of its form.
	const asked = await postForm('/sign-in', [
		['email', email],
		...(options.redirectTo ? [['redirectTo', options.redirectTo] as [string, string]] : [])
	]);
	expect(asked.status, asked.body.slice(0, 300)).toBeLessThan(400);
	const link = await waitForSignInLink(email, { seen, outboxDir: dir });
	const token = new URL(link, origin).searchParams.get('token')!;
	const verified = await postForm('/sign-in/verify', [['token', token]]);
	expect(verified.status, verified.body.slice(0, 300)).toBe(303);
	const next = new URL(verified.headers.location, origin);
	if (next.pathname !== '/welcome' || options.welcome === false) return;
	const profile: ProfileFields = { firstName: 'Tester', ...options.profile };
	const fields = Object.entries(profile).filter((field): field is [string, string] => field[1] !== undefined);
	const welcomed = await postForm('/welcome', [
		...fields,
		['redirectTo', next.searchParams.get('redirectTo') ?? '/']
	]);
	expect(welcomed.status, welcomed.body.slice(0, 300)).toBe(303);
}

/** Signs out with the header's button (in the menu on a phone). */
export async function signOut(page: Page): Promise<void> {
	await inHeaderMenu(page, () =>
		page.getByTestId('account-area').getByRole('button', { name: 'Sign out' }).click()
	);
	// Signed out once the header links to the sign-in page (folded or not); then it is on show.
	// (Its href is relative on some pages, "./sign-in" on the home page: found by its name, hidden or not.)
	await expect(
		page.getByTestId('account-area').getByRole('link', { name: 'Sign in', includeHidden: true })
	).toBeAttached();
	await inHeaderMenu(page, () =>
		expect(page.getByTestId('account-area').getByRole('link', { name: 'Sign in' })).toBeVisible()
	);
}
