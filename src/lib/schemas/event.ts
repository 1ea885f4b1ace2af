import { z } from 'zod';
import { optionalText } from './forms';

export const createEventSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Give the event a name.')
		.max(100, 'The name can be at most 100 characters.'),
	description: optionalText(5_000, 'The description'),
	// A checkbox: present when ticked.
	draft: z
		.string()
		.optional()
		.transform((value) => value === 'on')
});

export const joinEventSchema = z.object({
	code: z.string().trim().min(1, 'Type the join code of the event.').max(32, 'That is not a join code.'),
	referral: optionalText(500, 'Your answer')
});

export const referralSchema = z.object({
	referral: z
		.string()
		.trim()
		.min(1, 'Type an answer, or skip the question.')
		.max(500, 'Your answer can be at most 500 characters.')
});
