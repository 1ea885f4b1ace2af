import { z } from 'zod';
import { removeProjectSchema } from '$lib/schemas/admin';
import { checkFilterSchema, eventChecksSchema, recheckSchema } from '$lib/schemas/project-checks';
import { readPageRequest } from '$lib/server/admin/paging';
import { describeProjectRemoval, listEventProjects, removeProject } from '$lib/server/admin/projects';
import { requireEventOwner } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { attempt } from '$lib/server/rules';
import { recheckEventProject } from '$lib/server/validators/run';
import { getEventChecks, updateEventChecks } from '$lib/server/validators/settings';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	// ?remove=<project id> opens the confirmation for that project (a link, so it works without JS).
	const remove = z.uuid().safeParse(event.url.searchParams.get('remove'));
	// ?check=invalid keeps the projects whose link check has that status; anything else shows all.
	const check = checkFilterSchema.safeParse(event.url.searchParams.get('check'));
	return {
		...(await listEventProjects(owned.id, {
			...readPageRequest(event.url.searchParams),
			check: check.success ? check.data : undefined
		})),
		checks: await getEventChecks(owned.id),
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
	},
	saveChecks: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, eventChecksSchema);
		if (form.failure) return form.failure;
		const saved = await attempt(updateEventChecks(user, owned.id, form.data), form.values);
		if (saved.failure) return saved.failure;
		return {
			checksSaved: saved.value.changed
				? m.owner_checks_saved({ count: saved.value.checking })
				: m.owner_nothing_to_save()
		};
	},
	recheck: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, recheckSchema);
		if (form.failure) return form.failure;
		const asked = await attempt(recheckEventProject(user, owned.id, form.data.projectId));
		if (asked.failure) return asked.failure;
		return { rechecking: m.owner_rechecking() };
	}
};
