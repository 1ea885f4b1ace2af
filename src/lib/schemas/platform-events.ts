import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

const reason = z
	.string()
	.trim()
	.max(500, { error: () => m.people_reason_too_long() })
	.optional()
	.transform((value) => (value ? value : undefined));

const email = (message: () => string) =>
	z
		.string()
		.trim()
		.toLowerCase()
		.min(1, { error: message })
		.max(320, { error: () => m.people_not_an_email() })
		.pipe(z.email({ error: () => m.people_not_an_email() }));

/** Hand an event to another person: their email, and the owner the admin saw (a stale form is refused). */
export const transferEventSchema = z.object({
	email: email(m.people_type_new_owner_email),
	expectedOwnerId: z.uuid({ error: () => m.people_form_out_of_date_reload() }),
	reason
});

/** Soft delete or restore: an optional reason for the log. */
export const eventReasonSchema = z.object({ reason });

/** Purge for good: the event's name, typed, and a reason. */
export const purgeEventSchema = z.object({
	confirmName: z
		.string()
		.trim()
		.min(1, { error: () => m.people_type_event_name() })
		.max(200, { error: () => m.people_not_the_name() }),
	reason
});

const date = z.iso.date({ error: () => m.people_date_format() });

/** The filters of the events directory, from its query string (a GET form). */
export const eventFiltersSchema = z.object({
	phase: z
		.enum(['draft', 'submission', 'voting', 'closed'], { error: () => m.people_choose_phase() })
		.optional(),
	owner: email(m.people_type_owner_email).optional(),
	from: date.optional(),
	to: date.optional(),
	deleted: z
		.enum(['exclude', 'include', 'only'], { error: () => m.people_choose_events_shown() })
		.default('exclude'),
	flagged: z
		.literal('on')
		.optional()
		.transform((value) => value === 'on')
});
export type EventFilters = z.output<typeof eventFiltersSchema>;
