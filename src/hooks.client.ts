import { defineCustomClientStrategy } from '$lib/paraglide/runtime';

// In the browser, the page speaks the language the server rendered it in (<html lang>, chosen in
// src/lib/server/i18n/locale.ts): the server alone decides, so hydration never changes a word.
defineCustomClientStrategy('custom-profile', {
	getLocale: () => document.documentElement.lang || undefined,
	setLocale: () => {}
});
