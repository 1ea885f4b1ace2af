import { redirect } from '@sveltejs/kit';
import { createSeriesSchema } from '$lib/schemas/series';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { createSeries, listSeries } from '$lib/server/directory/series';
import { parseForm } from '$lib/server/forms';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	return { series: await listSeries() };
};

export const actions: Actions = {
	create: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, createSeriesSchema);
		if (form.failure) return form.failure;
		const created = await attempt(createSeries(user, form.data), form.values);
		if (created.failure) return created.failure;
		redirect(303, `/admin/series/${created.value.id}`);
	}
};
