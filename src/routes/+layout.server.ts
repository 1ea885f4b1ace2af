import { readTheme } from '$lib/server/appearance/theme';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies, depends }) => {
	// The theme switch reloads only this load, not the page's own (src/lib/components/ThemeSwitch.svelte).
	depends('podium:theme');
	return {
		// This reaches every page: the header's name only, never the user's private fields.
		user: locals.user
			? {
					displayName: locals.user.displayName || locals.user.email,
					isPlatformAdmin: locals.user.isPlatformAdmin
				}
			: null,
		theme: readTheme(cookies)
	};
};
