import { z } from 'zod';

const reason = z
	.string()
	.trim()
	.max(500, 'The reason can be at most 500 characters.')
	.optional()
	.transform((value) => (value ? value : undefined));

const email = (message: string) =>
	z
		.string()
		.trim()
		.toLowerCase()
		.min(1, message)
		.max(320, 'That is not an email address.')
		.pipe(z.email({ error: 'That is not an email address.' }));

/** Hand an event to another person: their email, and the owner the admin saw (a stale form is refused). */
export const transferEventSchema = z.object({
	email: email('Type the email of the new owner.'),
	expectedOwnerId: z.uuid({ error: 'This form is out of date: reload the page and try again.' }),
	reason
});

/** Soft delete or restore: an optional reason for the log. */
export const eventReasonSchema = z.object({ reason });

/** Purge for good: the event's name, typed, and a reason. */
export const purgeEventSchema = z.object({
	confirmName: z
		.string()
		.trim()
		.min(1, 'Type the name of the event to confirm.')
		.max(200, 'That is not the name.'),
	reason
});

const date = z.iso.date({ error: 'Use a date like 2026-11-28.' });

/** The filters of the events directory, from its query string (a GET form). */
export const eventFiltersSchema = z.object({
	phase: z.enum(['draft', 'submission', 'voting', 'closed'], { error: 'Choose a phase.' }).optional(),
	owner: email('Type the email of the owner.').optional(),
	from: date.optional(),
	to: date.optional(),
	deleted: z
		.enum(['exclude', 'include', 'only'], { error: 'Choose which events to show.' })
		.default('exclude'),
	flagged: z
		.literal('on')
		.optional()
		.transform((value) => value === 'on')
});
export type EventFilters = z.output<typeof eventFiltersSchema>;
