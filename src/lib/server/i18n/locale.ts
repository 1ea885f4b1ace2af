import { AsyncLocalStorage } from 'node:async_hooks';
import type { Cookies, Handle } from '@sveltejs/kit';
import {
	baseLocale,
	cookieMaxAge,
	cookieName,
	extractLocaleFromHeader,
	isLocale,
	overwriteServerAsyncLocalStorage,
	type Locale
} from '$lib/paraglide/runtime';
import { isSharedResponse } from '../http/shared-response.ts';

// The language of every page, mail and message (Paraglide: messages/{locale}.json). In this order: the
// language a signed-in person chose (kept on their profile), else the one chosen in this browser with
// the language switcher (a cookie), else the browser's Accept-Language, else English.
//
// Decided here, on the server alone: Paraglide's message functions read it from the request's async
// context, and in the browser from <html lang> (src/hooks.client.ts). Paraglide's own strategies are
// only `custom-profile` and `baseLocale` (vite.config.ts), which keeps its browser runtime small: the
// ballot page has a byte budget.

type Store = { locale: Locale; origin?: string; messageCalls?: Set<string> };
const requests = new AsyncLocalStorage<Store>();
overwriteServerAsyncLocalStorage(requests as never);

/** The language for a request by a person who chose `saved` (or nobody signed in: undefined). */
export function localeFor(request: Request, saved: string | null | undefined): Locale {
	if (saved && isLocale(saved)) return saved;
	const cookie = cookieLocale(request);
	if (cookie) return cookie;
	return extractLocaleFromHeader(request) ?? baseLocale;
}

function cookieLocale(request: Request): Locale | undefined {
	const value = request.headers
		.get('cookie')
		?.split(';')
		.map((part) => part.trim())
		.find((part) => part.startsWith(`${cookieName}=`))
		?.slice(cookieName.length + 1);
	return value && isLocale(value) ? value : undefined;
}

/** Runs `task` in `locale` (a mail to someone else, a scheduled job): its messages speak it. */
export function inLocale<T>(locale: string | null | undefined, task: () => T): T {
	return requests.run({ locale: locale && isLocale(locale) ? locale : baseLocale }, task);
}

/**
 * Runs the rest of the request in its language: message functions (`m.…()`) called while it is handled,
 * on the page or in a form action, a refusal or a mail, speak it; `<html lang>` says it (page-head.ts).
 * Placed after the session, which reads the person's saved choice.
 */
export const localize: Handle = ({ event, resolve }) => {
	const locale = localeFor(event.request, event.locals.user?.locale);
	event.locals.locale = locale;
	return requests.run({ locale }, async () => {
		const response = await resolve(event);
		// The page depends on the browser's languages: a shared cache keeps one copy per language.
		if (isSharedResponse(response)) {
			response.headers.append('Vary', 'Accept-Language');
		}
		return response;
	});
};

/** Remembers the chosen language in this browser for a year (Paraglide's cookie). */
export function rememberLocale(cookies: Cookies, url: URL, locale: Locale): void {
	cookies.set(cookieName, locale, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: cookieMaxAge
	});
}

/** The language a visitor's request gets (the public response cache keeps a copy per language). */
export const requestedLocale = (request: Request): Locale => localeFor(request, undefined);
