import { z } from 'zod';
import { optionalText } from './forms';
import { m } from '$lib/paraglide/messages';

const checkbox = z
	.string()
	.optional()
	.transform((value) => value === 'on');

const seriesName = z
	.string()
	.trim()
	.min(1, { error: () => m.people_series_name_required() })
	.max(100, { error: () => m.people_name_too_long() });

/** Creating a series (platform admins). */
export const createSeriesSchema = z.object({ name: seriesName, active: checkbox });

/** Renaming a series and switching it on or off. */
export const updateSeriesSchema = z.object({ name: seriesName, active: checkbox });

/** Putting an event in the series, by its slug (as on its address, /events/<slug>). */
export const addSeriesEventSchema = z.object({
	slug: z
		.string()
		.trim()
		.toLowerCase()
		.min(1, { error: () => m.people_type_event_slug() })
		.max(200, { error: () => m.people_no_event_slug() })
		.transform((slug) => slug.replace(/^.*\/events\//, '').replace(/\/.*$/, ''))
});

const eventId = z.uuid({ error: () => m.people_event_not_in_series() });

/** Taking an event out of the series. */
export const removeSeriesEventSchema = z.object({ eventId });

/** Choosing the flagship; empty: no flagship. */
export const flagshipSchema = z.object({
	eventId: z.union([z.literal('').transform(() => undefined), eventId]).optional()
});

/** The owner's directory and submission settings of an event. */
export const eventListingSchema = z.object({
	place: optionalText(200, m.server_label_place),
	listedInDirectory: checkbox,
	piiRequired: checkbox
});
export type EventListingInput = z.output<typeof eventListingSchema>;

/** The public directory's search (a GET query). */
export const directorySearchSchema = z.object({
	q: z
		.string()
		.trim()
		.max(100, { error: () => m.people_search_too_long() })
		.optional()
		.transform((value) => value || undefined)
});
