import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { SIGN_IN_LIMITS } from '../../src/lib/server/auth/sign-in-links';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { requestSignInLink, signInByPosts, uniqueEmail } from './helpers/auth';
import { OwnServer } from './helpers/own-server';
import { createEvent, joinEvent, movePhase, submitProject } from './helpers/voting';

// Two app processes on one PostgreSQL database, as behind a load balancer (or WEB_CONCURRENCY above 1):
// whatever one process knows, the other must know too. Sessions, sign-in rate limits, sign-in links and
// live rankings are kept in the database (live updates travel by LISTEN/NOTIFY), never in one process's
// memory. Housekeeping (pruning expired sessions, links and rate-limit windows) happens on the way, by
// chance, in whichever process serves a sign-in request, and works on the shared tables; what it relies
// on, an expired link refused by every process, is checked below. The scheduler that every process runs
// (scheduled phase changes, voting reminders) is checked with two processes in schedule.test.ts.

const databaseUrl = process.env.DATABASE_URL?.trim();
test.skip(
	!databaseUrl,
	'The embedded database belongs to one process by design (it locks its folder): several instances need PostgreSQL (run with TEST_DATABASE_URL).'
);
test.describe.configure({ mode: 'serial' });

const outbox = mkdtempSync(path.join(tmpdir(), 'podium-instances-outbox-'));
const env = { DATABASE_URL: databaseUrl ?? '', MAIL_OUTBOX_DIR: outbox, LOG_LEVEL: 'warn' };
const a = new OwnServer(env);
const b = new OwnServer(env);

test.beforeAll(async () => {
	test.setTimeout(60_000);
	await Promise.all([a.start(), b.start()]);
});

test.afterAll(async () => {
	await Promise.all([a.dispose(), b.dispose()]);
	rmSync(outbox, { recursive: true, force: true });
});

/** A page in a browser context of its own, on `server`. */
async function pageOn(browser: Browser, server: OwnServer) {
	const context = await browser.newContext({ baseURL: server.origin });
	return context.newPage();
}

/** A new person signed in on `server`, in a context of their own. */
async function personOn(browser: Browser, server: OwnServer, name: string) {
	const page = await pageOn(browser, server);
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(page.context(), email, {
		origin: server.origin,
		outboxDir: outbox,
		profile: { firstName: name, lastName: 'Tester' }
	});
	return Object.assign(page, { email });
}

const signOutButton = (page: Page) =>
	page.getByTestId('account-area').getByRole('button', { name: 'Sign out' });
const signInLink = (page: Page) => page.getByTestId('account-area').getByRole('link', { name: 'Sign in' });

test('a session started on one instance holds on the other, and signing out on either ends it', async ({
	browser
}) => {
	const onA = await personOn(browser, a, 'Ada');
	await onA.goto('/');
	await expect(signOutButton(onA)).toBeVisible();
	const cookie = (await onA.context().cookies(a.origin)).find((c) => c.name === 'podium_session');
	expect(cookie, 'instance A set a session cookie').toBeTruthy();

	// The browser sends A's cookie to A only (another port is another origin): carry it over to B by hand,
	// as a load balancer in front of both would do by giving them one origin.
	const onB = await pageOn(browser, b);
	await onB.context().addCookies([{ name: cookie!.name, value: cookie!.value, url: b.origin }]);
	await onB.goto('/profile');
	await expect(onB).toHaveURL(/\/profile$/);
	await expect(signOutButton(onB)).toBeVisible();
	await expect(onB.getByLabel('First name (required)', { exact: true })).toHaveValue('Ada');

	// Signing out on B ends the session everywhere: A no longer knows the cookie it set.
	await signOutButton(onB).click();
	await expect(signInLink(onB)).toBeVisible();
	await onA.reload();
	await expect(signInLink(onA)).toBeVisible();
	await onA.goto('/profile');
	await expect(onA).toHaveURL(/\/sign-in/);
});

test('the sign-in limit per address counts requests on both instances together', async ({ request }) => {
	const email = uniqueEmail('limit');
	const ask = (server: OwnServer) =>
		request.post(`${server.origin}/sign-in`, {
			form: { email },
			headers: { origin: server.origin, accept: 'text/html' },
			maxRedirects: 0
		});
	const { limit } = SIGN_IN_LIMITS.perEmail;
	// Alternating: neither instance alone sees more than half the requests, so a limit counted in one
	// process's memory would let them all through.
	for (let i = 0; i < limit; i++) {
		const response = await ask(i % 2 ? b : a);
		expect(response.status(), `request ${i + 1} of ${limit}`).toBe(200);
	}
	for (const server of [a, b]) {
		const refused = await ask(server);
		expect(refused.status()).toBe(429);
		expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
		expect(await refused.text()).toContain('Too many sign-in requests');
	}
});

test('a sign-in link is one for both instances: used on one, expired on one, refused on the other', async ({
	browser
}) => {
	// Used on A, refused on B.
	const email = uniqueEmail('link');
	const onA = await pageOn(browser, a);
	const used = await requestSignInLink(onA, email, { outboxDir: outbox });
	await onA.goto(used);
	await onA.getByRole('button', { name: /^Sign in as / }).click();
	await onA.waitForURL((url) => url.pathname !== '/sign-in/verify');
	const onB = await pageOn(browser, b);
	await onB.goto(used);
	await expect(onB.getByRole('alert')).toContainText('this one has been used');

	// Expired (aged in the database, as 15 minutes would), asked for on B: A refuses it. Housekeeping
	// later deletes such links, on whichever instance: either way no instance accepts them.
	const later = await requestSignInLink(onB, uniqueEmail('expired'), { outboxDir: outbox });
	const token = new URL(later, b.origin).searchParams.get('token')!;
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		const aged = await client.query(
			`UPDATE sign_in_links SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`,
			[hashToken(token)]
		);
		expect(aged.rowCount).toBe(1);
	} finally {
		await client.end();
	}
	await onA.goto(later);
	await expect(onA.getByRole('alert')).toContainText('older than that');
	await expect(onA.getByRole('button', { name: /^Sign in as / })).toHaveCount(0);
});

test("a ballot sent through one instance moves the owner's live ranking open on the other", async ({
	browser
}) => {
	test.setTimeout(120_000);
	const owner = await personOn(browser, a, 'Olive');
	const { slug, joinLink } = await createEvent(owner, 'Two Instances');
	await submitProject(await personOn(browser, a, 'Rita'), joinLink, 'Robot Arm');
	const voter = await personOn(browser, b, 'Vic');
	await joinEvent(voter, joinLink);
	await movePhase(owner, slug, 'voting');

	// The owner watches on A, connected to A's live stream only.
	await owner.goto(`/events/${slug}/leaderboard`);
	await expect(owner.getByText('Live', { exact: true })).toBeVisible();
	const score = owner.getByRole('row', { name: /Robot Arm/ }).getByTestId('score');
	await expect(score).toHaveText('0');

	await voter.goto(`/events/${slug}/vote`);
	await voter.getByLabel('Robot Arm').check();
	await voter.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(voter.getByTestId('ballot-saved')).toContainText('Your ballot is saved: 1 project.');
	// Without reloading: B's NOTIFY reaches A, which recomputes and pushes the ranking.
	await expect(score).toHaveText('1', { timeout: 5_000 });
});
