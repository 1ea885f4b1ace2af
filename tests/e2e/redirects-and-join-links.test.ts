import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn, signInByPosts, uniqueEmail } from './helpers/auth';

// Audit findings over real HTTP: no redirect leaves the site whatever `redirectTo` says, every way to
// try a join code shares one guessing limit, and a join link opened from another site asks for a click.

async function signedIn(browser: Browser, name: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInByPosts(context, uniqueEmail(name), { profile: { firstName: name } });
	return page;
}

async function createEvent(page: Page): Promise<{ slug: string; code: string }> {
	await page.goto('/events/new');
	await page.getByLabel('Name').fill(`Limits ${Date.now()}`);
	await page.getByRole('button', { name: 'Create event' }).click();
	await expect(page.getByText('You run this event.')).toBeVisible();
	const slug = new URL(page.url()).pathname.split('/')[2];
	return { slug, code: (await page.getByTestId('event-join-code').textContent())!.trim() };
}

/** A Location header is on this site: a path, not `//host` or `/\host`, resolving to this origin. */
function expectOnSite(location: string | undefined, origin: string) {
	expect(location).toBeDefined();
	expect(location!.startsWith('/') || location!.startsWith(origin)).toBe(true);
	expect(location).not.toMatch(/^\/[/\\]/);
	expect(new URL(location!, origin).origin).toBe(origin);
}

// Each raw value is sent once as it is (encoded by URLSearchParams) and so reaches the server decoded.
const OFF_SITE = [
	'/.//evil.example/phish',
	'/..//evil.example/phish',
	'/%2e//evil.example/phish',
	'/%2E%2E//evil.example/phish',
	'/././/evil.example/phish',
	'/x/..//evil.example/phish',
	'/x/y/../..//evil.example',
	'/.%2e//evil.example',
	'/%2e%2e/%2e%2e//evil.example',
	'/.///evil.example',
	'/./\\evil.example',
	'/.%5c/evil.example',
	'/.%09//evil.example',
	'//evil.example',
	'/\\evil.example',
	'https://evil.example/',
	'HTTPS://evil.example',
	'http:evil.example',
	'javascript:alert(1)',
	'data:text/html,hi',
	'\t//evil.example',
	' //evil.example',
	'/.//evil.example?x=1#y',
	'/.//user:pass@evil.example',
	'/.//evil.example:443',
	'/.//%65vil.example',
	'/x/%2e%2e//evil.example',
	'/x/./..//evil.example',
	'/%2e/%2e//evil.example',
	'/./..//./evil.example',
	'\\\\evil.example',
	'/%0a//evil.example'
];

test('redirectTo never sends a signed-in person off the site (GET and POST /welcome)', async ({
	browser,
	baseURL
}) => {
	const page = await signedIn(browser, 'redirect');
	const origin = new URL(baseURL!).origin;
	for (const value of OFF_SITE) {
		const response = await page.request.get(`/welcome?${new URLSearchParams({ redirectTo: value })}`, {
			maxRedirects: 0
		});
		expect(response.status(), value).toBe(303);
		expectOnSite(response.headers()['location'], origin);
	}
	// Also pre-encoded once more, as a link in a mail might carry it.
	const doubled = await page.request.get('/welcome?redirectTo=%252F.%252F%252Fevil.example', {
		maxRedirects: 0
	});
	expectOnSite(doubled.headers()['location'], origin);

	const posted = await page.request.post('/welcome', {
		form: { firstName: 'Redirect', redirectTo: '/.//evil.example' },
		headers: { origin, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(posted.status()).toBe(303);
	expect(posted.headers()['location']).toBe('/');
	// A harmless path still works.
	const home = await page.request.get('/welcome?redirectTo=%2Fevents', { maxRedirects: 0 });
	expect(home.headers()['location']).toBe('/events');
});

test('a sign-in link asked for with an off-site redirectTo lands on the site', async ({ page, baseURL }) => {
	await signIn(page, uniqueEmail('chain'), { redirectTo: '/.//evil.example/phish' });
	expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
	expect(new URL(page.url()).pathname).toBe('/');
});

const TRIES = 30;

test('every way to try a join code stops at the same limit', async ({ browser, baseURL }) => {
	// Eight people sign in through the browser, seven of them at once: 21–25 s alone on a 2-core machine,
	// over 100 s beside the other worker in CI. The 224 tries themselves take about 5 s.
	test.setTimeout(240_000);
	const origin = new URL(baseURL!).origin;
	const owner = await signedIn(browser, 'limits-owner');
	const { slug } = await createEvent(owner);
	const form = (page: Page, path: string, code: string) =>
		page.request
			.post(path, { form: { code }, headers: { origin, accept: 'text/html' }, maxRedirects: 0 })
			.then((r) => r.status());
	const ways: [string, (page: Page, code: string) => Promise<number>][] = [
		['the join page', (page, code) => form(page, '/join', code)],
		["an event page's join form", (page, code) => form(page, `/events/${slug}?/join`, code)],
		['the project join page', (page, code) => form(page, '/projects/join', code)],
		[
			'a join link opened by its owner',
			(page, code) =>
				page.request
					.get(`/join/${code}`, {
						headers: { 'sec-fetch-site': 'none', accept: 'text/html' },
						maxRedirects: 0
					})
					// A failed link shows a page saying why (200); read which refusal it is.
					.then(async (r) =>
						r.status() !== 200 ? r.status() : /Too many join attempts/.test(await r.text()) ? 429 : 404
					)
		],
		['a join link confirmed with a click', (page, code) => form(page, `/join/${code}`, '')],
		['a project join link confirmed with a click', (page, code) => form(page, `/projects/join/${code}`, '')]
	];
	// Each way with a person of its own, all at once; and one person who mixes event and project codes:
	// the limit is shared, so 30 tries at event codes leave none for a project code.
	const mixed: [string, (page: Page, code: string) => Promise<number>] = [
		'event codes, then a project code',
		(page, code) => form(page, code === 'ZZZZ' ? '/projects/join' : '/join', code)
	];
	await Promise.all(
		[...ways, mixed].map(async ([way, tryCode]) => {
			const guesser = await signedIn(browser, 'guesser');
			for (let i = 0; i < TRIES; i++) {
				expect(await tryCode(guesser, `ZZ${String(i).padStart(2, '0')}`), `${way}, try ${i + 1}`).toBe(404);
			}
			expect(await tryCode(guesser, 'ZZZZ'), `${way}, one try too many`).toBe(429);
			await guesser.context().close();
		})
	);
});

test('a join link opened from another site asks for a click before joining', async ({ browser, baseURL }) => {
	const origin = new URL(baseURL!).origin;
	const owner = await signedIn(browser, 'link-owner');
	const { slug, code } = await createEvent(owner);
	const visitor = await signedIn(browser, 'visitor');
	// A third-party page that links to the join link and also embeds it as an image.
	await visitor.route('http://elsewhere.example/**', (route) =>
		route.fulfill({
			contentType: 'text/html',
			body: `<img src="${origin}/join/${code}" alt=""><a href="${origin}/join/${code}">win a prize</a>`
		})
	);
	await visitor.goto('http://elsewhere.example/');
	await visitor.getByRole('link', { name: 'win a prize' }).click();
	await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Join an event');
	await expect(visitor.getByText(code)).toBeVisible();
	// Neither the embedded image nor the opened link joined the event.
	const check = await visitor.context().newPage();
	await check.goto(`/events/${slug}`);
	await expect(check.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
	await check.close();

	await visitor.getByRole('button', { name: 'Join the event' }).click();
	await expect(visitor).toHaveURL(new RegExp(`/events/${slug}\\?welcome$`));
	await expect(visitor.getByText(/^Welcome to /)).toBeVisible();
});
