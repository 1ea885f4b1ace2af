import { readTheme } from '$lib/server/appearance/theme';
import { readMaintenanceForBanner } from '$lib/server/maintenance/mode';
import { errorWords, layoutWords } from '$lib/server/i18n/page-words';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, cookies, depends }) => {
	// The theme switch reloads only this load, not the page's own (src/lib/components/ThemeSwitch.svelte).
	depends('podium:theme');
	const maintenance = await readMaintenanceForBanner();
	return {
		// This reaches every page: the header's name only, never the user's private fields.
		user: locals.user
			? {
					displayName: locals.user.displayName || locals.user.email,
					isPlatformAdmin: locals.user.isPlatformAdmin
				}
			: null,
		// The banner of read-only maintenance, on every page while it lasts.
		maintenance: maintenance.active ? { message: maintenance.message } : null,
		theme: readTheme(cookies),
		// The header's, footer's and error page's words, in this request's language (see page-words.ts).
		words: layoutWords(),
		errorWords: errorWords()
	};
};
