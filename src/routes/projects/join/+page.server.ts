import { redirect } from '@sveltejs/kit';
import { joinProjectSchema } from '$lib/schemas/project';
import { requireUser } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { codeGuesser } from '$lib/server/join-limits';
import { joinProjectByCode } from '$lib/server/projects';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(event.request, joinProjectSchema);
		if (form.failure) return form.failure;
		const joined = await attempt(joinProjectByCode(codeGuesser(event, user.id), form.data.code), form.values);
		if (joined.failure) return joined.failure;
		redirect(303, `/projects/${joined.value.projectId}`);
	}
};
