import type { Cookies } from '@sveltejs/kit';
import { THEMES, type Theme } from '$lib/schemas/theme';

// The colour theme is a preference, not an identity: a plain cookie, read on every page so that the
// server writes the right theme into <html> (src/lib/server/http/page-head.ts) and no page flashes light
// before turning dark.

export const THEME_COOKIE = 'theme';
const YEAR = 60 * 60 * 24 * 365;

/** The theme the cookie asks for; `system` (follow the device) when there is none or it is unreadable. */
export function readTheme(cookies: Pick<Cookies, 'get'>): Theme {
	const value = cookies.get(THEME_COOKIE);
	return THEMES.find((theme) => theme === value) ?? 'system';
}

/** Remembers the theme for a year; `system` forgets the choice rather than storing the default. */
export function rememberTheme(cookies: Cookies, url: URL, theme: Theme): void {
	// httpOnly: the server renders the theme, and the page's script learns it from the layout's data.
	const options = { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' } as const;
	if (theme === 'system') cookies.delete(THEME_COOKIE, options);
	else cookies.set(THEME_COOKIE, theme, { ...options, maxAge: YEAR });
}
