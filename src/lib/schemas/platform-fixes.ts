import { z } from 'zod';

// The data fixes of the platform admin area (/admin/fixes): one schema per form.

const checkbox = z
	.string()
	.optional()
	.transform((value) => value === 'on');

/** Why the fix was made, as the admin types it: it goes into the platform audit log. */
export const reason = z
	.string({ error: 'Say why you make this fix.' })
	.trim()
	.min(3, 'Say why you make this fix (at least 3 characters).')
	.max(500, 'The reason can be at most 500 characters.');

const eventRef = z
	.string({ error: "Type the event's slug or join code." })
	.trim()
	.min(1, "Type the event's slug or join code.")
	.max(200, 'No event has that slug or join code.');

const projectRef = z
	.string({ error: "Type the project's join code or id." })
	.trim()
	.min(1, "Type the project's join code or id.")
	.max(200, 'No project has that join code or id.');

const email = z
	.string({ error: 'Type the email address of the person.' })
	.trim()
	.min(1, 'Type the email address of the person.')
	.max(320, 'That is not an email address.');

const id = (what: string) => z.uuid({ error: `That ${what} does not exist (any more); look it up again.` });

/** A count the confirmation showed, sent back so that a stale confirmation is noticed. */
const seenCount = z.coerce
	.number({ error: 'This form is out of date: look it up again.' })
	.int()
	.min(0)
	.max(1_000_000_000);

export const addAttendeeSchema = z.object({ event: eventRef, email, reason });

export const removeAttendeeSchema = z.object({
	eventId: id('event'),
	userId: id('attendee'),
	removeProjects: checkbox,
	removeVotes: checkbox,
	seenProjects: seenCount,
	seenTeams: seenCount,
	seenVotes: seenCount,
	reason
});

export const teammateSchema = z.object({ project: projectRef, email, reason });

export const legacyPointsSchema = z.object({
	projectId: id('project'),
	/** The value the form showed: the change is refused if it is no longer the current one. */
	from: seenCount,
	points: z.coerce
		.number({ error: 'Type a whole number of points, 0 or more.' })
		.int('Type a whole number of points, 0 or more.')
		.min(0, 'Type a whole number of points, 0 or more.')
		.max(100_000, 'A project can have at most 100,000 legacy points.'),
	reason
});

export const voidBallotSchema = z.object({
	eventId: id('event'),
	userId: id('voter'),
	/** The voted-for project ids the confirmation showed, comma-separated and sorted. */
	seenVotes: z.string().max(2_000).default(''),
	/** When the ballot the confirmation showed was saved (ISO), or empty. */
	seenSavedAt: z.string().max(40).default(''),
	reason
});
