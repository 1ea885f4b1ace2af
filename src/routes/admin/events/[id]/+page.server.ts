import { eventReasonSchema, transferEventSchema } from '$lib/schemas/platform-events';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { restoreEvent, softDeleteEvent, transferEvent } from '$lib/server/platform/event-actions';
import { getEventOverview } from '$lib/server/platform/events';
import { attempt, orError } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	return { event: await orError(getEventOverview(event.params.id)) };
};

export const actions: Actions = {
	transfer: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, transferEventSchema);
		if (form.failure) return form.failure;
		const done = await attempt(transferEvent(user, event.params.id, form.data), form.values);
		if (done.failure) return done.failure;
		return { transferred: done.value };
	},
	delete: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, eventReasonSchema);
		if (form.failure) return form.failure;
		const done = await attempt(softDeleteEvent(user, event.params.id, form.data.reason));
		if (done.failure) return done.failure;
		return { deleted: done.value };
	},
	restore: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, eventReasonSchema);
		if (form.failure) return form.failure;
		const done = await attempt(restoreEvent(user, event.params.id, form.data.reason));
		if (done.failure) return done.failure;
		return { restored: done.value };
	}
};
