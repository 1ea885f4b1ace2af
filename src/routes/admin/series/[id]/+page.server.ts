import { redirect } from '@sveltejs/kit';
import {
	addSeriesEventSchema,
	flagshipSchema,
	removeSeriesEventSchema,
	updateSeriesSchema
} from '$lib/schemas/series';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import {
	addEventToSeries,
	deleteSeries,
	getSeriesOverview,
	removeEventFromSeries,
	setFlagship,
	updateSeries
} from '$lib/server/directory/series';
import { parseForm } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages';
import { attempt, orError } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	return { series: await orError(getSeriesOverview(event.params.id)) };
};

export const actions: Actions = {
	update: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, updateSeriesSchema);
		if (form.failure) return form.failure;
		const done = await attempt(updateSeries(user, event.params.id, form.data), form.values);
		if (done.failure) return done.failure;
		return { updated: done.value.changed ? m.platform_series_saved() : m.platform_series_unchanged() };
	},
	addEvent: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, addSeriesEventSchema);
		if (form.failure) return form.failure;
		const done = await attempt(addEventToSeries(user, event.params.id, form.data.slug), form.values);
		if (done.failure) return done.failure;
		return { added: done.value.name };
	},
	removeEvent: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, removeSeriesEventSchema);
		if (form.failure) return form.failure;
		const done = await attempt(removeEventFromSeries(user, event.params.id, form.data.eventId));
		if (done.failure) return done.failure;
		return { removed: done.value.name };
	},
	setFlagship: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, flagshipSchema);
		if (form.failure) return form.failure;
		const done = await attempt(setFlagship(user, event.params.id, form.data.eventId));
		if (done.failure) return done.failure;
		return { flagship: done.value.name ?? null };
	},
	delete: async (event) => {
		const user = requirePlatformAdmin(event);
		const done = await attempt(deleteSeries(user, event.params.id));
		if (done.failure) return done.failure;
		redirect(303, '/admin/series');
	}
};
