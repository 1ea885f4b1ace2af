import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

// The data fixes of the platform admin area (/admin/fixes): one schema per form.

const checkbox = z
	.string()
	.optional()
	.transform((value) => value === 'on');

/** Why the fix was made, as the admin types it: it goes into the platform audit log. */
export const reason = z
	.string({ error: () => m.people_say_why() })
	.trim()
	.min(3, { error: () => m.people_say_why_min() })
	.max(500, { error: () => m.people_reason_too_long() });

const eventRef = z
	.string({ error: () => m.people_type_event_ref() })
	.trim()
	.min(1, { error: () => m.people_type_event_ref() })
	.max(200, { error: () => m.people_no_event_ref() });

const projectRef = z
	.string({ error: () => m.people_type_project_ref() })
	.trim()
	.min(1, { error: () => m.people_type_project_ref() })
	.max(200, { error: () => m.people_no_project_ref() });

const email = z
	.string({ error: () => m.people_type_person_email() })
	.trim()
	.min(1, { error: () => m.people_type_person_email() })
	.max(320, { error: () => m.people_not_an_email() });

const id = (message: () => string) => z.uuid({ error: message });

/** A count the confirmation showed, sent back so that a stale confirmation is noticed. */
const seenCount = z.coerce
	.number({ error: () => m.people_form_out_of_date_look() })
	.int()
	.min(0)
	.max(1_000_000_000);

export const addAttendeeSchema = z.object({ event: eventRef, email, reason });

export const removeAttendeeSchema = z.object({
	eventId: id(m.people_gone_event),
	userId: id(m.people_gone_attendee),
	removeProjects: checkbox,
	removeVotes: checkbox,
	seenProjects: seenCount,
	seenTeams: seenCount,
	seenVotes: seenCount,
	reason
});

export const teammateSchema = z.object({ project: projectRef, email, reason });

export const legacyPointsSchema = z.object({
	projectId: id(m.people_gone_project),
	/** The value the form showed: the change is refused if it is no longer the current one. */
	from: seenCount,
	points: z.coerce
		.number({ error: () => m.people_points_whole() })
		.int({ error: () => m.people_points_whole() })
		.min(0, { error: () => m.people_points_whole() })
		.max(100_000, { error: () => m.people_points_max() }),
	reason
});

export const voidBallotSchema = z.object({
	eventId: id(m.people_gone_event),
	userId: id(m.people_gone_voter),
	/** The voted-for project ids the confirmation showed, comma-separated and sorted. */
	seenVotes: z.string().max(2_000).default(''),
	/** When the ballot the confirmation showed was saved (ISO), or empty. */
	seenSavedAt: z.string().max(40).default(''),
	reason
});
