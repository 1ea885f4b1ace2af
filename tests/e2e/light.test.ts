import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { buildVotingEvent, type VotingEvent } from './helpers/by-forms';

// Issue 13, items 9 and 10: the ballot page is light enough for a venue's crowded Wi-Fi (under 60 KB
// on a cold first load, HTML compressed, in two languages: 58.3 KB in 8 requests), and every page can be
// used from the keyboard (a skip link, a visible focus ring), with axe finding nothing.

const PROJECTS = 30;
const BUDGET_BYTES = 60 * 1024;

interface RawAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

/** One GET with exactly these headers; the body as it came over the wire (not decompressed). */
function rawGet(url: string, headers: Record<string, string>): Promise<RawAnswer> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
				);
			})
			.on('error', reject);
	});
}

test.describe.serial('light on slow links', () => {
	let fx: VotingEvent;
	let origin: string;

	test.beforeAll(async ({ browser, baseURL }) => {
		test.setTimeout(180_000);
		origin = baseURL!;
		fx = await buildVotingEvent(browser, origin, PROJECTS);
	});

	test.afterAll(async () => {
		await fx?.owner.close();
		await fx?.voter.close();
	});

	test(`the ballot page of a ${PROJECTS}-project event weighs under 60 KB on a cold first load`, async () => {
		// The voter's context has sent only form posts: no page, script or style is in its cache.
		const page = await fx.voter.newPage();
		await page.setExtraHTTPHeaders({ 'accept-encoding': 'gzip, br' });
		const finished: Promise<{ url: string; bytes: number; encoding: string | undefined }>[] = [];
		page.on('requestfinished', (request) => {
			finished.push(
				(async () => {
					const sizes = await request.sizes();
					const response = await request.response();
					return {
						url: request.url(),
						bytes: sizes.responseHeadersSize + sizes.responseBodySize,
						encoding: (await response?.allHeaders())?.['content-encoding']
					};
				})()
			);
		});
		await page.goto(`/events/${fx.slug}/vote`, { waitUntil: 'networkidle' });
		await expect(page.getByRole('checkbox')).toHaveCount(PROJECTS);

		const requests = await Promise.all(finished);
		// Only the app's own bytes count: project images are links their makers gave, on other hosts
		// (this event has none).
		const own = requests.filter((r) => r.url.startsWith(origin));
		const total = own.reduce((sum, r) => sum + r.bytes, 0);
		console.log(
			`Ballot page, ${PROJECTS} projects, cold: ${(total / 1024).toFixed(1)} KB transferred in ${own.length} requests\n` +
				own
					.map(
						(r) =>
							`  ${(r.bytes / 1024).toFixed(1).padStart(6)} KB  ${r.encoding ?? '-'}  ${r.url.slice(origin.length)}`
					)
					.join('\n')
		);
		const html = own.find((r) => new URL(r.url).pathname === `/events/${fx.slug}/vote`);
		expect(html?.encoding, 'the ballot HTML arrives compressed').toMatch(/^(br|gzip)$/);
		expect(total).toBeLessThan(BUDGET_BYTES);
		await page.close();
	});

	test('pages are compressed as the client asks, and sent plain to a client that does not', async () => {
		const cookie = (await fx.voter.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
		const url = `${origin}/events/${fx.slug}/vote`;
		const headers = { accept: 'text/html', cookie };

		const br = await rawGet(url, { ...headers, 'accept-encoding': 'gzip, deflate, br' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(br.headers.vary).toMatch(/accept-encoding/i);
		const brHtml = brotliDecompressSync(br.body).toString('utf8');
		expect(brHtml).toContain('Your ballot');
		// The page's scripts are named for early fetching in its compressed head, not in a Link header
		// (headers travel uncompressed).
		expect(br.headers.link).toBeUndefined();
		const head = brHtml.slice(0, brHtml.indexOf('</head>'));
		expect(head).toMatch(/<link rel="modulepreload" href="[^"]+\/entry\/start\.[\w-]+\.js">/);
		expect(head).toMatch(/<link rel="modulepreload" href="[^"]+\/entry\/app\.[\w-]+\.js">/);

		const gzip = await rawGet(url, { ...headers, 'accept-encoding': 'gzip' });
		expect(gzip.headers['content-encoding']).toBe('gzip');
		const gzipHtml = gunzipSync(gzip.body).toString('utf8');
		expect(gzipHtml).toContain('Your ballot');

		const plain = await rawGet(url, headers);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString('utf8')).toContain('Your ballot');
		// The compressed page is a fraction of the plain one.
		expect(br.body.length).toBeLessThan(plain.body.length / 3);

		// The page's data for client-side navigation is JSON, compressed too.
		const data = await rawGet(`${origin}/events/${fx.slug}/vote/__data.json`, {
			cookie,
			'accept-encoding': 'gzip'
		});
		expect(data.status).toBe(200);
		expect(data.headers['content-encoding']).toBe('gzip');
	});

	test('the live stream still arrives event by event, and CSV downloads are left as they are', async () => {
		const cookie = (await fx.owner.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
		// The first snapshot must arrive while the stream stays open: a compressor would hold it back.
		const first = await new Promise<{ headers: http.IncomingHttpHeaders; text: string }>(
			(resolve, reject) => {
				const req = http.get(
					`${origin}/events/${fx.slug}/live`,
					{ headers: { accept: 'text/event-stream', cookie, 'accept-encoding': 'gzip, br' } },
					(res) => {
						let text = '';
						res.on('data', (chunk: Buffer) => {
							text += chunk.toString('utf8');
							if (text.includes('data: ')) {
								resolve({ headers: res.headers, text });
								req.destroy();
							}
						});
					}
				);
				req.on('error', reject);
				setTimeout(() => reject(new Error('no live event within 5 s')), 5_000);
			}
		);
		expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
		expect(first.headers['content-encoding']).toBeUndefined();
		expect(first.text).toContain('data: {');

		const csv = await rawGet(`${origin}/events/${fx.slug}/admin/results/votes.csv`, {
			cookie,
			'accept-encoding': 'gzip, br'
		});
		expect(csv.status).toBe(200);
		expect(csv.headers['content-type']).toMatch(/^text\/csv/);
		expect(csv.headers['content-encoding']).toBeUndefined();
	});

	test('the ballot page passes axe at WCAG 2.2 AA', async () => {
		const page = await fx.voter.newPage();
		await page.goto(`/events/${fx.slug}/vote`);
		await expectAccessible(page, 'ballot page');
		await page.close();
	});
});

test.describe('keyboard', () => {
	test('the first Tab reaches the skip link, shown on focus, and Enter moves focus to the main content', async ({
		page
	}) => {
		await page.goto('/');
		const skip = page.getByRole('link', { name: 'Skip to main content' });
		// Hidden until focused, so it does not clutter the page for people who do not need it.
		expect((await skip.boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
		await page.keyboard.press('Tab');
		await expect(skip).toBeFocused();
		expect((await skip.boundingBox())!.width).toBeGreaterThan(40);
		await page.keyboard.press('Enter');
		await expect(page.locator('main#main')).toBeFocused();
		// The next Tab continues inside the page's content, not in the header.
		await page.keyboard.press('Tab');
		const inMain = await page.evaluate(() =>
			document.getElementById('main')!.contains(document.activeElement)
		);
		expect(inMain).toBe(true);
		await expectAccessible(page, 'home page');
	});

	test('an input, a button and a link show a visible outline when focused from the keyboard', async ({
		page
	}) => {
		await page.goto('/sign-in');
		const outline = (selector: string) =>
			page.locator(selector).evaluate((el) => {
				const style = getComputedStyle(el);
				return {
					style: style.outlineStyle,
					width: parseFloat(style.outlineWidth),
					color: style.outlineColor
				};
			});
		const email = page.getByLabel('Email address');
		await email.focus();
		const inputRing = await email.evaluate((el) => {
			const style = getComputedStyle(el);
			return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
		});
		expect(inputRing.style).not.toBe('none');
		expect(inputRing.width).toBeGreaterThanOrEqual(2);

		await email.fill('someone@example.test');
		await page.keyboard.press('Tab');
		const button = page.getByRole('button', { name: 'Email me a sign-in link' });
		await expect(button).toBeFocused();
		const buttonRing = await button.evaluate((el) => {
			const style = getComputedStyle(el);
			return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
		});
		expect(buttonRing.style).not.toBe('none');
		expect(buttonRing.width).toBeGreaterThanOrEqual(2);

		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Shift+Tab');
		const focused = await outline(':focus');
		expect(focused.style).not.toBe('none');
		expect(focused.width).toBeGreaterThanOrEqual(2);
		await expectAccessible(page, 'sign-in page');
	});
});
