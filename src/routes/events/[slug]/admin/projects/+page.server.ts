import { z } from 'zod';
import { removeProjectSchema } from '$lib/schemas/admin';
import { readPageRequest } from '$lib/server/admin/paging';
import { describeProjectRemoval, listEventProjects, removeProject } from '$lib/server/admin/projects';
import { requireEventOwner } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	// ?remove=<project id> opens the confirmation for that project (a link, so it works without JS).
	const remove = z.uuid().safeParse(event.url.searchParams.get('remove'));
	return {
		...(await listEventProjects(owned.id, readPageRequest(event.url.searchParams))),
		removal: remove.success ? await describeProjectRemoval(owned.id, remove.data) : undefined
	};
};

export const actions: Actions = {
	remove: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, removeProjectSchema);
		if (form.failure) return form.failure;
		const removed = await attempt(removeProject(user, owned.id, form.data.projectId));
		if (removed.failure) return removed.failure;
		return { removed: removed.value };
	}
};
