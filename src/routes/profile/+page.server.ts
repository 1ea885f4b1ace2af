import { fail, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { deleteSessionCookie, invalidateUserSessions } from '$lib/server/auth/sessions';
import { getOwnProfile, saveProfile } from '$lib/server/profiles';
import { firstErrors, profileSchema, readProfileForm } from '$lib/schemas/profile';
import type { Actions, PageServerLoad } from './$types';

// The person's own profile: the only page besides /welcome that carries their private fields.

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// ?redirectTo= (the PII gate's link): once saved, the person goes back to the form that sent them.
	const back = safeRedirectPath(event.url.searchParams.get('redirectTo'), '');
	return { profile: await getOwnProfile(user.id), redirectTo: back || undefined };
};

export const actions: Actions = {
	save: async (event) => {
		const user = requireUser(event);
		const form = await event.request.formData();
		const values = readProfileForm(form);
		const parsed = profileSchema.safeParse(values);
		if (!parsed.success) return fail(400, { values, errors: firstErrors(parsed.error) });
		await saveProfile(user.id, parsed.data);
		const back = safeRedirectPath(form.get('redirectTo'), '');
		if (back) redirect(303, back);
		return { saved: true };
	},
	signOutEverywhere: async (event) => {
		const user = requireUser(event);
		await invalidateUserSessions(user.id);
		deleteSessionCookie(event.cookies, event.url);
		redirect(303, '/sign-in?signedOut=everywhere');
	}
};
