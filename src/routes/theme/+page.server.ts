import { redirect } from '@sveltejs/kit';
import { themeSchema } from '$lib/schemas/theme';
import { rememberTheme } from '$lib/server/appearance/theme';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { parseForm } from '$lib/server/forms';
import type { Actions } from './$types';

// The theme is everyone's to choose, signed in or not: no guard, and nothing but a cookie is written.
export const actions: Actions = {
	default: async (event) => {
		const form = await parseForm(event.request, themeSchema);
		if (form.failure) return form.failure;
		rememberTheme(event.cookies, event.url, form.data.theme);
		redirect(303, safeRedirectPath(form.data.redirectTo, '/theme'));
	}
};
