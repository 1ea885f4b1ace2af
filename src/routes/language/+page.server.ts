import { redirect } from '@sveltejs/kit';
import { localeSchema } from '$lib/schemas/locale';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { parseForm } from '$lib/server/forms';
import { rememberLocale } from '$lib/server/i18n/locale';
import { saveLocale } from '$lib/server/profiles';
import type { Actions, PageServerLoad } from './$types';

// The language is everyone's to choose, signed in or not: a cookie for this browser, and for a
// signed-in person their profile too (every device, and the mail Podium sends them). Every page links
// here from its footer, with the page to go back to.
export const load: PageServerLoad = ({ url, locals }) => ({
	from: safeRedirectPath(url.searchParams.get('from') ?? undefined, '/'),
	current: locals.locale
});

export const actions: Actions = {
	default: async (event) => {
		const form = await parseForm(event.request, localeSchema);
		if (form.failure) return form.failure;
		rememberLocale(event.cookies, event.url, form.data.locale);
		if (event.locals.user) await saveLocale(event.locals.user.id, form.data.locale);
		redirect(303, safeRedirectPath(form.data.redirectTo, '/'));
	}
};
