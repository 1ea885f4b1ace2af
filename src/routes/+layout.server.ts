import { readTheme } from '$lib/server/appearance/theme';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies }) => ({
	// This reaches every page: the header's name only, never the user's private fields.
	user: locals.user
		? {
				displayName: locals.user.displayName || locals.user.email,
				isPlatformAdmin: locals.user.isPlatformAdmin
			}
		: null,
	theme: readTheme(cookies)
});
