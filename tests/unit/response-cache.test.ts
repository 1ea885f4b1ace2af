import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { publicResponseCache } from '../../src/lib/server/response-cache';

// The built-in micro-cache of publicly cacheable pages: what a signed-out crowd gets, and what nobody
// else ever does.

function requestFor(path: string, { method = 'GET', session }: { method?: string; session?: string } = {}) {
	const url = new URL(`http://podium.test${path}`);
	return {
		request: new Request(url, { method }),
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
});
