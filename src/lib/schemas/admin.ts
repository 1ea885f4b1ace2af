import { z } from 'zod';
import { optionalText } from './forms';
import { m } from '$lib/paraglide/messages';

const checkbox = z
	.string()
	.optional()
	.transform((value) => value === 'on');

const FLAG = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const MAX_FLAGS = 20;

/** Feature flags typed as one text: "daydream, ysws" → ["daydream", "ysws"] (lower-cased, no repeats). */
export const featureFlags = z
	.string()
	.max(1_000, { error: () => m.people_flags_too_long() })
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
		error: () => m.people_flag_format()
	})
	.refine((flags) => flags.length <= MAX_FLAGS, {
		error: () => m.people_flags_max({ max: MAX_FLAGS })
	});

export const eventSettingsSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, { error: () => m.people_event_name_required() })
		.max(100, { error: () => m.people_name_too_long() }),
	description: optionalText(5_000, m.server_label_description),
	demoLinksOptional: checkbox,
	featureFlags
});
export type EventSettingsInput = z.output<typeof eventSettingsSchema>;

export const phaseSchema = z.object({
	phase: z.enum(['draft', 'submission', 'voting', 'closed'], { error: () => m.people_choose_phase_of_four() })
});

export const deleteEventSchema = z.object({
	confirmName: z
		.string()
		.trim()
		.min(1, { error: () => m.people_type_event_name() })
		.max(200, { error: () => m.people_not_the_name() })
});

export const regenerateCodeSchema = z.object({
	confirm: z.literal('on', { error: () => m.people_confirm_regenerate() })
});

const uuid = (message: () => string) => z.uuid({ error: message });

export const removeAttendeeSchema = z.object({
	userId: uuid(m.people_attendee_not_in_event),
	removeProjects: checkbox,
	removeVotes: checkbox
});

export const removeProjectSchema = z.object({
	projectId: uuid(m.people_project_not_in_event),
	confirm: z.literal('on', { error: () => m.people_confirm_remove_project() })
});

/** An optional whole number typed in a form field: empty → null. */
const optionalWhole = (min: number, max: number, message: () => string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((text) => (text ? Number(text) : null))
		.refine((n) => n === null || (Number.isInteger(n) && n >= min && n <= max), { error: message });

export const shortlistSchema = z.object({
	threshold: optionalWhole(16, 100_000, m.people_threshold_range),
	size: z
		.string()
		.optional()
		.transform((text) => (text?.trim() ? Number(text) : NaN))
		.refine((n) => Number.isInteger(n) && n >= 8 && n <= 15, {
			error: () => m.people_shortlist_size()
		})
});
export type ShortlistInput = z.output<typeof shortlistSchema>;
