import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { projectSchemaFor } from '$lib/schemas/project';
import { requireUser } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { getProjectForViewer, updateProject } from '$lib/server/projects';
import { attempt, orError } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

function idOf(params: { id: string }) {
	const id = z.uuid().safeParse(params.id);
	if (!id.success) error(404, m.project_not_found());
	return id.data;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const project = await orError(getProjectForViewer(idOf(event.params), user.id));
	if (!project.role) error(403, m.project_team_only());
	return { project };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const id = idOf(event.params);
		const project = await orError(getProjectForViewer(id, user.id));
		const form = await parseForm(event.request, projectSchemaFor(!project.event.demoLinksOptional));
		if (form.failure) return form.failure;
		const saved = await attempt(updateProject(user.id, id, form.data), form.values);
		if (saved.failure) return saved.failure;
		redirect(303, `/projects/${id}`);
	}
};
