import { z } from 'zod';
import { m } from '../paraglide/messages.js';

/** The colour themes a person may choose; `system` follows the device's light or dark setting. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** The theme switch: the chosen theme, and the page to go back to (checked by the action). */
export const themeSchema = z.object({
	theme: z.enum(THEMES, { error: () => m.server_theme_choose() }),
	redirectTo: z.string().max(2000).optional()
});
