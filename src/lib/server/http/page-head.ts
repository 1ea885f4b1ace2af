import type { Handle } from '@sveltejs/kit';
import { baseLocale } from '$lib/paraglide/runtime';
import { readTheme } from '../appearance/theme.ts';
import { isSharedResponse } from './shared-response.ts';

// What differs from one request's page to another's at the top of src/app.html: `<html lang>` (the
// request's language, src/lib/server/i18n/locale.ts), `<html data-theme>` (the theme cookie, so that no
// page flashes light before turning dark) and the page's script preloads.
//
// SvelteKit names each page's scripts and stylesheet in a `Link` header so the browser fetches them
// early. Headers travel uncompressed: on the ballot page that header alone was 0.8 KB of a 60 KB
// budget for a venue's Wi-Fi. The same hints as `<link rel="modulepreload">` tags in the head travel
// compressed with the HTML (under 0.1 KB) and are seen as early, since the head is in the first bytes.
// The stylesheet needs no hint: its `<link rel="stylesheet">` is already in the head.
//
// One edit of the head alone: a ballot page of a large event is 100 KB, and one hook per placeholder
// copied all of it each time (7 % of the app's time serving that page at 50 requests at once).

/** Fills in the page's language, theme and script preloads, in its head only. */
export const pageHead: Handle = async ({ event, resolve }) => {
	const scripts: string[] = [];
	let edited = false;
	const response = await resolve(event, {
		preload: ({ type, path }) => {
			if (type === 'js') scripts.push(`<link rel="modulepreload" href="${encodeURI(path)}">`);
			return false;
		},
		transformPageChunk: ({ html }) => {
			const end = edited ? -1 : html.indexOf('</head>');
			if (end === -1) return html;
			edited = true;
			// Set by localize, which every page passes through before it is rendered.
			const head = html
				.slice(0, end)
				.replace('%podium.lang%', event.locals.locale ?? baseLocale)
				.replace('%podium.theme%', readTheme(event.cookies));
			const preloads = scripts.length === 0 ? '' : `\t${scripts.join('\n\t\t')}\n\t`;
			return head + preloads + html.slice(end);
		}
	});
	// A page whose HTML depends on a cookie says so to caches, so a shared cache never hands one
	// person's dark page to another (the language's Vary is localize's).
	if (isSharedResponse(response)) {
		response.headers.append('Vary', 'Cookie');
	}
	return response;
};
