import type { RequestEvent } from '@sveltejs/kit';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { compressResponses } from '../../src/lib/server/http/compression';
import { publicResponseCache, responseCacheSize } from '../../src/lib/server/response-cache';

// The built-in micro-cache of publicly cacheable pages: what a signed-out crowd gets, and what nobody
// else ever does.

function requestFor(
	path: string,
	{ method = 'GET', session, encodings }: { method?: string; session?: string; encodings?: string } = {}
) {
	const url = new URL(`http://podium.test${path}`);
	return {
		request: new Request(url, { method, headers: encodings ? { 'accept-encoding': encodings } : {} }),
		url,
		cookies: { get: (name: string) => (name === 'podium_session' ? session : undefined) }
	} as unknown as RequestEvent;
}

function page(body: string, headers: Record<string, string>) {
	return vi.fn(async () => new Response(body, { status: 200, headers }));
}

describe('the public response cache', () => {
	it('renders a public page once per second for signed-out visitors', async () => {
		let renders = 0;
		const resolve = vi.fn(
			async () => new Response(`render ${++renders}`, { headers: { 'cache-control': 'public, max-age=1' } })
		);
		const first = await publicResponseCache({ event: requestFor('/events/a/leaderboard'), resolve });
		const second = await publicResponseCache({ event: requestFor('/events/a/leaderboard'), resolve });
		expect(await first.text()).toBe('render 1');
		expect(await second.text()).toBe('render 1');
		expect(second.headers.get('cache-control')).toBe('public, max-age=1');
		expect(resolve).toHaveBeenCalledTimes(1);

		vi.useFakeTimers({ now: Date.now() + 1_001 });
		const later = await publicResponseCache({ event: requestFor('/events/a/leaderboard'), resolve });
		vi.useRealTimers();
		expect(await later.text()).toBe('render 2');
	});

	it('never serves a signed-in person, another method, or a private page from it', async () => {
		const publicPage = page('public', { 'cache-control': 'public, max-age=60' });
		await publicResponseCache({ event: requestFor('/events/b/leaderboard'), resolve: publicPage });
		await publicResponseCache({
			event: requestFor('/events/b/leaderboard', { session: 'x' }),
			resolve: publicPage
		});
		await publicResponseCache({
			event: requestFor('/events/b/leaderboard', { method: 'POST' }),
			resolve: publicPage
		});
		expect(publicPage).toHaveBeenCalledTimes(3);

		const privatePage = page('mine', { 'cache-control': 'private, max-age=60' });
		await publicResponseCache({ event: requestFor('/profile'), resolve: privatePage });
		await publicResponseCache({ event: requestFor('/profile'), resolve: privatePage });
		expect(privatePage).toHaveBeenCalledTimes(2);
	});

	it('does not keep responses that set cookies', async () => {
		const withCookie = page('cookie', { 'cache-control': 'public, max-age=60', 'set-cookie': 'a=b' });
		await publicResponseCache({ event: requestFor('/events/c/leaderboard'), resolve: withCookie });
		await publicResponseCache({ event: requestFor('/events/c/leaderboard'), resolve: withCookie });
		expect(withCookie).toHaveBeenCalledTimes(2);
	});

	it('holds at most 32 MB, oldest out first, and never one page over 4 MB', async () => {
		// Forty 1 MB variants of one page (a query string makes each a key of its own).
		const megabyte = 'x'.repeat(1024 * 1024);
		const big = page(megabyte, { 'cache-control': 'public, max-age=60' });
		for (let i = 0; i < 40; i++) {
			await publicResponseCache({ event: requestFor(`/events/d/leaderboard?v=${i}`), resolve: big });
		}
		expect(responseCacheSize().bytes).toBeLessThanOrEqual(32 * 1024 * 1024);
		expect(responseCacheSize().bytes).toBeGreaterThan(30 * 1024 * 1024);
		expect(big).toHaveBeenCalledTimes(40);
		// The newest is still served from memory; the oldest was dropped and is rendered again.
		await publicResponseCache({ event: requestFor('/events/d/leaderboard?v=39'), resolve: big });
		expect(big).toHaveBeenCalledTimes(40);
		await publicResponseCache({ event: requestFor('/events/d/leaderboard?v=0'), resolve: big });
		expect(big).toHaveBeenCalledTimes(41);

		const huge = page('y'.repeat(5 * 1024 * 1024), { 'cache-control': 'public, max-age=60' });
		const before = responseCacheSize();
		const served = await publicResponseCache({ event: requestFor('/events/e/leaderboard'), resolve: huge });
		expect((await served.text()).length).toBe(5 * 1024 * 1024);
		await publicResponseCache({ event: requestFor('/events/e/leaderboard'), resolve: huge });
		expect(huge).toHaveBeenCalledTimes(2);
		expect(responseCacheSize()).toEqual(before);
	});

	it('renders an expired page once for all who ask while it renders, and never holds up a page it did not keep', async () => {
		let renders = 0;
		let finish: () => void = () => {};
		const rendered = new Promise<void>((done) => (finish = done));
		const slowPage = vi.fn(async () => {
			renders += 1;
			if (renders > 1) await rendered;
			return new Response(`render ${renders}`, { headers: { 'cache-control': 'public, max-age=1' } });
		});
		await publicResponseCache({ event: requestFor('/events/f/leaderboard'), resolve: slowPage });

		// The second ran out: fifty visitors at once, while the first of them renders.
		vi.useFakeTimers({ now: Date.now() + 1_001 });
		const crowd = Array.from({ length: 50 }, () =>
			publicResponseCache({ event: requestFor('/events/f/leaderboard'), resolve: slowPage })
		);
		await vi.advanceTimersByTimeAsync(0);
		finish();
		const bodies = await Promise.all(crowd.map(async (answer) => (await answer).text()));
		vi.useRealTimers();
		expect(slowPage).toHaveBeenCalledTimes(2);
		expect(bodies).toEqual(Array(50).fill('render 2'));

		// A page never kept (here: one that sets a cookie) is rendered for each visitor, none waiting.
		let started = 0;
		const cookiePage = vi.fn(async () => {
			started += 1;
			await new Promise((done) => setTimeout(done, 20));
			return new Response('mine', {
				headers: { 'cache-control': 'public, max-age=60', 'set-cookie': 'a=b' }
			});
		});
		const visitors = Array.from({ length: 5 }, () =>
			publicResponseCache({ event: requestFor('/events/g/leaderboard'), resolve: cookiePage })
		);
		await new Promise((done) => setTimeout(done, 5));
		expect(started).toBe(5);
		await Promise.all(visitors);
	});

	it('lets the visitors waiting on a render that fails render the page themselves', async () => {
		const good = page('fine', { 'cache-control': 'public, max-age=1' });
		await publicResponseCache({ event: requestFor('/events/h/leaderboard'), resolve: good });
		vi.useFakeTimers({ now: Date.now() + 1_001 });
		let fail: (error: Error) => void = () => {};
		const failing = vi.fn(() => new Promise<Response>((_, reject) => (fail = reject)));
		const first = publicResponseCache({ event: requestFor('/events/h/leaderboard'), resolve: failing });
		const second = publicResponseCache({ event: requestFor('/events/h/leaderboard'), resolve: good });
		fail(new Error('the database went away'));
		await expect(first).rejects.toThrow('the database went away');
		expect(await (await second).text()).toBe('fine');
		vi.useRealTimers();
		expect(good).toHaveBeenCalledTimes(2);
	});

	it('compresses a kept page once for each encoding, not once for each visitor', async () => {
		const html = `<!doctype html><p>${'Team Rocket, 42 votes. '.repeat(2_000)}</p>`;
		const leaderboard = page(html, { 'content-type': 'text/html', 'cache-control': 'public, max-age=60' });
		// As in hooks.server.ts: the compression handle outside, the cache within.
		const visit = (encodings?: string) => {
			const event = requestFor('/events/i/leaderboard', { encodings });
			return compressResponses({
				event,
				resolve: () => publicResponseCache({ event, resolve: leaderboard })
			} as Parameters<typeof compressResponses>[0]);
		};
		const plain = await visit();
		expect(plain.headers.get('content-encoding')).toBeNull();
		expect(await plain.text()).toBe(html);
		const kept = responseCacheSize().bytes;

		const first = await visit('gzip, deflate, br');
		const brotli = Buffer.from(await first.arrayBuffer());
		expect(first.headers.get('content-encoding')).toBe('br');
		expect(first.headers.get('vary')).toBe('Accept-Encoding');
		expect(brotliDecompressSync(brotli).toString()).toBe(html);
		// The compressed copy is kept with the page (and counted in its bytes)...
		expect(responseCacheSize().bytes).toBe(kept + brotli.byteLength);
		// ...and the next visitors get the same bytes, without another copy.
		for (let i = 0; i < 5; i++) {
			const again = await visit('br');
			expect(Buffer.from(await again.arrayBuffer()).equals(brotli)).toBe(true);
		}
		expect(responseCacheSize().bytes).toBe(kept + brotli.byteLength);

		const gzip = await visit('gzip');
		expect(gzip.headers.get('content-encoding')).toBe('gzip');
		expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString()).toBe(html);
		expect(leaderboard).toHaveBeenCalledTimes(1);
	});
});
