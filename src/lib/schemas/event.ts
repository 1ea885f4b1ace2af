import { z } from 'zod';
import { optionalText } from './forms';
import { m } from '../paraglide/messages.js';

export const createEventSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, { error: () => m.server_event_name_required() })
		.max(100, { error: () => m.server_event_name_long() }),
	description: optionalText(5_000, m.server_label_description),
	// A checkbox: present when ticked.
	draft: z
		.string()
		.optional()
		.transform((value) => value === 'on')
});

export const joinEventSchema = z.object({
	code: z
		.string()
		.trim()
		.min(1, { error: () => m.server_event_code_required() })
		.max(32, { error: () => m.server_not_a_join_code() }),
	referral: optionalText(500, m.server_label_your_answer)
});

export const referralSchema = z.object({
	referral: z
		.string()
		.trim()
		.min(1, { error: () => m.server_referral_required() })
		.max(500, { error: () => m.server_referral_long() })
});
