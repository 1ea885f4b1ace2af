import { redirect } from '@sveltejs/kit';
import { createEventSchema } from '$lib/schemas/event';
import { requireUser } from '$lib/server/auth/guards';
import { createEvent } from '$lib/server/events';
import { parseForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(event.request, createEventSchema);
		if (form.failure) return form.failure;
		const created = await createEvent(user.id, form.data);
		redirect(303, `/events/${created.slug}`);
	}
};
