import { fail, redirect } from '@sveltejs/kit';
import { requireSignedIn } from '$lib/server/auth/guards';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { getOwnProfile, saveProfile } from '$lib/server/profiles';
import { firstErrors, profileSchema, readProfileForm } from '$lib/schemas/profile';
import type { Actions, PageServerLoad } from './$types';
import { formOf } from '$lib/server/http/form-body';

// The first-sign-in step: asks for the profile once, then goes on to where the person was heading.

export const load: PageServerLoad = async (event) => {
	const user = requireSignedIn(event);
	const redirectTo = safeRedirectPath(event.url.searchParams.get('redirectTo'));
	if (user.profileComplete) redirect(303, redirectTo);
	return { profile: await getOwnProfile(user.id), redirectTo };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireSignedIn(event);
		const form = await formOf(event.request);
		const values = readProfileForm(form);
		const parsed = profileSchema.safeParse(values);
		if (!parsed.success) return fail(400, { values, errors: firstErrors(parsed.error) });
		await saveProfile(user.id, parsed.data);
		redirect(303, safeRedirectPath(form.get('redirectTo')));
	}
};
