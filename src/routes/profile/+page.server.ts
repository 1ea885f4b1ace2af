import { fail, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { deleteSessionCookie, invalidateUserSessions } from '$lib/server/auth/sessions';
import { rememberLocale } from '$lib/server/i18n/locale';
import { getOwnProfile, saveLocale, saveProfile } from '$lib/server/profiles';
import { firstErrors, profileSchema, readProfileForm } from '$lib/schemas/profile';
import type { Actions, PageServerLoad } from './$types';
import { formOf } from '$lib/server/http/form-body';

// The person's own profile: the only page besides /welcome that carries their private fields.

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// ?redirectTo= (the PII gate's link): once saved, the person goes back to the form that sent them.
	const back = safeRedirectPath(event.url.searchParams.get('redirectTo'), '');
	return {
		profile: await getOwnProfile(user.id),
		redirectTo: back || undefined,
		locale: event.locals.locale,
		// ?saved: the save changed the language, and the page came back in it.
		saved: event.url.searchParams.has('saved')
	};
};

export const actions: Actions = {
	save: async (event) => {
		const user = requireUser(event);
		const form = await formOf(event.request);
		const chosen = form.get('locale');
		const values = { ...readProfileForm(form), locale: typeof chosen === 'string' ? chosen : '' };
		const parsed = profileSchema.safeParse(values);
		if (!parsed.success) return fail(400, { values, errors: firstErrors(parsed.error) });
		const { locale, ...profile } = parsed.data;
		await saveProfile(user.id, profile);
		// The language is kept on the profile (every device, and the mail) and in this browser's cookie.
		if (locale) {
			await saveLocale(user.id, locale);
			rememberLocale(event.cookies, event.url, locale);
		}
		const back = safeRedirectPath(form.get('redirectTo'), '');
		if (back) redirect(303, back);
		// In another language the page is rendered anew, in it.
		if (locale && locale !== event.locals.locale) redirect(303, '/profile?saved');
		return { saved: true };
	},
	signOutEverywhere: async (event) => {
		const user = requireUser(event);
		await invalidateUserSessions(user.id);
		deleteSessionCookie(event.cookies, event.url);
		redirect(303, '/sign-in?signedOut=everywhere');
	}
};
