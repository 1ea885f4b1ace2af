import type { Cookies, RequestEvent, ResolveOptions } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { readTheme, rememberTheme, renderTheme } from '../../src/lib/server/appearance/theme';
import { publicResponseCache } from '../../src/lib/server/response-cache';

// The colour theme on the server: the cookie read leniently, written for a year or forgotten, rendered
// into <html data-theme>, and kept apart by the page cache and by shared caches.

function jar(initial: Record<string, string> = {}) {
	const values = new Map(Object.entries(initial));
	const writes: { name: string; value: string; maxAge?: number }[] = [];
	const cookies = {
		get: (name: string) => values.get(name),
		set: (name: string, value: string, options: { maxAge?: number }) => {
			values.set(name, value);
			writes.push({ name, value, maxAge: options.maxAge });
		},
		delete: (name: string) => {
			values.delete(name);
			writes.push({ name, value: '' });
		}
	};
	return { cookies: cookies as unknown as Cookies, values, writes };
}

function eventWith(path: string, cookies: Record<string, string> = {}) {
	const url = new URL(`http://podium.test${path}`);
	return { request: new Request(url), url, cookies: jar(cookies).cookies } as unknown as RequestEvent;
}

/** A page as SvelteKit renders it: app.html's placeholder, through the handle's transformPageChunk. */
function rendered(cacheControl: string) {
	return async (_event: RequestEvent, options?: ResolveOptions) => {
		const html = '<html lang="en" data-theme="%podium.theme%"><body>page</body></html>';
		const body = (await options?.transformPageChunk?.({ html, done: true })) ?? html;
		return new Response(body, { headers: { 'content-type': 'text/html', 'cache-control': cacheControl } });
	};
}

describe('the theme cookie', () => {
	it('reads light and dark, and anything else as system', () => {
		expect(readTheme(jar({ theme: 'dark' }).cookies)).toBe('dark');
		expect(readTheme(jar({ theme: 'light' }).cookies)).toBe('light');
		expect(readTheme(jar({ theme: 'purple' }).cookies)).toBe('system');
		expect(readTheme(jar().cookies)).toBe('system');
	});

	it('remembers a chosen theme for a year, and System forgets it', () => {
		const { cookies, values, writes } = jar();
		rememberTheme(cookies, new URL('https://podium.test/'), 'dark');
		expect(values.get('theme')).toBe('dark');
		expect(writes[0].maxAge).toBe(60 * 60 * 24 * 365);
		rememberTheme(cookies, new URL('https://podium.test/'), 'system');
		expect(values.has('theme')).toBe(false);
	});
});

describe('rendering the theme', () => {
	it('writes the theme into <html> and says Vary: Cookie on public pages only', async () => {
		const dark = await renderTheme({
			event: eventWith('/', { theme: 'dark' }),
			resolve: rendered('public, max-age=1')
		});
		expect(await dark.text()).toContain('data-theme="dark"');
		expect(dark.headers.get('vary')).toContain('Cookie');
		const mine = await renderTheme({ event: eventWith('/profile'), resolve: rendered('private, no-store') });
		expect(await mine.text()).toContain('data-theme="system"');
		expect(mine.headers.get('vary')).toBeNull();
	});

	it('the page cache keeps one copy per theme', async () => {
		const path = `/events/theme-${Date.now()}/leaderboard`;
		const through = (cookies: Record<string, string>) =>
			renderTheme({
				event: eventWith(path, cookies),
				resolve: (event, options) =>
					publicResponseCache({ event, resolve: (e) => rendered('public, max-age=5')(e, options) })
			});
		expect(await (await through({})).text()).toContain('data-theme="system"');
		expect(await (await through({ theme: 'dark' })).text()).toContain('data-theme="dark"');
		expect(await (await through({})).text()).toContain('data-theme="system"');
	});
});
