import { z } from 'zod';
import { locales } from '$lib/paraglide/runtime';
import { m } from '$lib/paraglide/messages';

/** The language switch: the chosen language, and the page to go back to (checked by the action). */
export const localeSchema = z.object({
	locale: z.enum(locales, { error: () => m.language_refused() }),
	redirectTo: z.string().max(2000).optional()
});
