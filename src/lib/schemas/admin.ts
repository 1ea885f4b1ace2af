import { z } from 'zod';
import { optionalText } from './forms';

const checkbox = z
	.string()
	.optional()
	.transform((value) => value === 'on');

const FLAG = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const MAX_FLAGS = 20;

/** Feature flags typed as one text: "daydream, ysws" → ["daydream", "ysws"] (lower-cased, no repeats). */
export const featureFlags = z
	.string()
	.max(1_000, 'The feature flags can be at most 1,000 characters.')
	.optional()
	.transform((text) => [
		...new Set(
			(text ?? '')
				.toLowerCase()
				.split(/[\s,]+/)
				.filter(Boolean)
		)
	])
	.refine((flags) => flags.every((flag) => FLAG.test(flag)), {
		error: 'Each feature flag is one word of up to 32 letters, digits, - or _, separated by commas.'
	})
	.refine((flags) => flags.length <= MAX_FLAGS, {
		error: `An event can have at most ${MAX_FLAGS} feature flags.`
	});

export const eventSettingsSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Give the event a name.')
		.max(100, 'The name can be at most 100 characters.'),
	description: optionalText(5_000, 'The description'),
	demoLinksOptional: checkbox,
	featureFlags
});
export type EventSettingsInput = z.output<typeof eventSettingsSchema>;

export const phaseSchema = z.object({
	phase: z.enum(['draft', 'submission', 'voting', 'closed'], { error: 'Choose one of the four phases.' })
});

export const deleteEventSchema = z.object({
	confirmName: z
		.string()
		.trim()
		.min(1, 'Type the name of the event to confirm.')
		.max(200, 'That is not the name.')
});

export const regenerateCodeSchema = z.object({
	confirm: z.literal('on', { error: 'Tick the box to confirm that the old code stops working.' })
});

const uuid = (what: string) => z.uuid({ error: `That ${what} is not in this event.` });

export const removeAttendeeSchema = z.object({
	userId: uuid('attendee'),
	removeProjects: checkbox,
	removeVotes: checkbox
});

export const removeProjectSchema = z.object({
	projectId: uuid('project'),
	confirm: z.literal('on', { error: 'Tick the box to confirm that the project and its votes go.' })
});

/** An optional whole number typed in a form field: empty → null. */
const optionalWhole = (what: string, min: number, max: number) =>
	z
		.string()
		.trim()
		.optional()
		.transform((text) => (text ? Number(text) : null))
		.refine((n) => n === null || (Number.isInteger(n) && n >= min && n <= max), {
			error: `${what} must be a whole number from ${min} to ${max.toLocaleString('en')}, or empty.`
		});

export const shortlistSchema = z.object({
	threshold: optionalWhole('The number of projects', 16, 100_000),
	size: z
		.string()
		.optional()
		.transform((text) => (text?.trim() ? Number(text) : NaN))
		.refine((n) => Number.isInteger(n) && n >= 8 && n <= 15, {
			error: 'A shortlist holds a whole number of projects from 8 to 15.'
		})
});
export type ShortlistInput = z.output<typeof shortlistSchema>;
