import { z } from 'zod';
import { m } from '../paraglide/messages.js';

/** The owner's void of one ballot on the integrity review page: whose, and why (shown to the voter). */
export const voidOwnBallotSchema = z.object({
	voterId: z.uuid({ error: () => m.server_void_choose() }),
	reason: z
		.string()
		.trim()
		.min(3, { error: () => m.server_void_reason_required() })
		.max(500, { error: () => m.server_void_reason_long() })
});
