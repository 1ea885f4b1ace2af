import { createEventSchema } from '$lib/schemas/event';
import { requireUser } from '$lib/server/auth/guards';
import { createEvent } from '$lib/server/events';
import { parseForm } from '$lib/server/forms';
import { newFormToken, redirectOnce } from '$lib/server/submit-once';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	return { formToken: newFormToken() };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(event.request, createEventSchema);
		if (form.failure) return form.failure;
		return redirectOnce(event, user.id, form.values, async () => {
			const created = await createEvent(user.id, form.data);
			return `/events/${created.slug}`;
		});
	}
};
