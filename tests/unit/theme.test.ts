import type { Cookies, RequestEvent, ResolveOptions } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { readTheme, rememberTheme } from '../../src/lib/server/appearance/theme';
import { pageHead } from '../../src/lib/server/http/page-head';
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

function eventWith(path: string, cookies: Record<string, string> = {}, locale = 'en') {
	const url = new URL(`http://podium.test${path}`);
	const locals = { locale };
	return { request: new Request(url), url, cookies: jar(cookies).cookies, locals } as unknown as RequestEvent;
}

/**
 * A page as SvelteKit renders it: app.html's placeholders, two scripts and a stylesheet to preload, a
 * body that mentions the placeholders too, through the handle's preload and transformPageChunk.
 */
function rendered(cacheControl: string) {
	return async (_event: RequestEvent, options?: ResolveOptions) => {
		const preloads = [
			{ type: 'js', path: '/_app/immutable/entry/start.js' },
			{ type: 'css', path: '/_app/immutable/assets/0.css' },
			{ type: 'js', path: '/_app/immutable/nodes/0 1.js' }
		] as const;
		const linked = preloads.filter((file) => options?.preload?.(file) ?? true);
		const html =
			'<!doctype html>\n<html lang="%podium.lang%" data-theme="%podium.theme%">\n\t<head>\n\t\t<title>t</title>\n\t</head>\n' +
			'\t<body><p>%podium.lang% %podium.theme% </head></p></body>\n</html>';
		const body = (await options?.transformPageChunk?.({ html, done: true })) ?? html;
		const headers = new Headers({ 'content-type': 'text/html', 'cache-control': cacheControl });
		if (linked.length > 0) headers.set('link', linked.map((file) => `<${file.path}>`).join(', '));
		return new Response(body, { headers });
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
		const dark = await pageHead({
			event: eventWith('/', { theme: 'dark' }),
			resolve: rendered('public, max-age=1')
		});
		expect(await dark.text()).toContain('data-theme="dark"');
		expect(dark.headers.get('vary')).toContain('Cookie');
		const mine = await pageHead({ event: eventWith('/profile'), resolve: rendered('private, no-store') });
		expect(await mine.text()).toContain('data-theme="system"');
		expect(mine.headers.get('vary')).toBeNull();
	});

	it("fills in the head alone: the request's language, its theme, and the scripts to preload", async () => {
		const page = await pageHead({
			event: eventWith('/events', { theme: 'light' }, 'es'),
			resolve: rendered('private, no-store')
		});
		const html = await page.text();
		const end = html.indexOf('</head>');
		const [head, body] = [html.slice(0, end), html.slice(end + '</head>'.length)];
		expect(html.startsWith('<!doctype html>\n<html lang="es" data-theme="light">')).toBe(true);
		expect(head).toContain(
			'\t\t<title>t</title>\n\t\t<link rel="modulepreload" href="/_app/immutable/entry/start.js">\n' +
				'\t\t<link rel="modulepreload" href="/_app/immutable/nodes/0%201.js">\n\t'
		);
		expect(head).not.toContain('0.css');
		// The body is the page's own: what it says is left as it is.
		expect(body).toBe('\n\t<body><p>%podium.lang% %podium.theme% </head></p></body>\n</html>');
		expect(page.headers.get('link')).toBeNull();
	});

	it('the page cache keeps one copy per theme', async () => {
		const path = `/events/theme-${Date.now()}/leaderboard`;
		const through = (cookies: Record<string, string>) =>
			pageHead({
				event: eventWith(path, cookies),
				resolve: (event, options) =>
					publicResponseCache({ event, resolve: (e) => rendered('public, max-age=5')(e, options) })
			});
		expect(await (await through({})).text()).toContain('data-theme="system"');
		expect(await (await through({ theme: 'dark' })).text()).toContain('data-theme="dark"');
		expect(await (await through({})).text()).toContain('data-theme="system"');
	});
});
