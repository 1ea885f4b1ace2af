import { redirect } from '@sveltejs/kit';
import { purgeEventSchema } from '$lib/schemas/platform-events';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { describeEventPurge, purgeEvent } from '$lib/server/platform/event-actions';
import { attempt, orError } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	return { purge: await orError(describeEventPurge(event.params.id)) };
};

export const actions: Actions = {
	purge: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, purgeEventSchema);
		if (form.failure) return form.failure;
		const { confirmName, reason } = form.data;
		const done = await attempt(purgeEvent(user, event.params.id, confirmName, reason), form.values);
		if (done.failure) return done.failure;
		redirect(303, `/admin/events?${new URLSearchParams({ deleted: 'include', purged: done.value.name })}`);
	}
};
