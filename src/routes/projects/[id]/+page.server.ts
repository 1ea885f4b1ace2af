import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { requireUser } from '$lib/server/auth/guards';
import { publicUrl } from '$lib/server/config';
import { parseForm } from '$lib/server/forms';
import { deleteProject, getProjectForViewer, leaveProject, removeCollaborator } from '$lib/server/projects';
import { getTeamResultsCard } from '$lib/server/results/team-card';
import { attempt, orError } from '$lib/server/rules';
import { getProjectCheck, recheckProject } from '$lib/server/validators/run';
import type { Actions, PageServerLoad } from './$types';

const projectId = z.uuid();

/** The project id from the URL; anything that is not a UUID is simply not found. */
function idOf(params: { id: string }) {
	const id = projectId.safeParse(params.id);
	if (!id.success) error(404, m.project_not_found());
	return id.data;
}

export const load: PageServerLoad = async (event) => {
	const id = idOf(event.params);
	const viewerId = event.locals.user?.id;
	const project = await orError(getProjectForViewer(id, viewerId, event.locals.user?.isPlatformAdmin));
	// The team's own results once voting has closed; null for everyone else.
	const results = project.role ? await getTeamResultsCard(id, viewerId) : null;
	const joinLink = project.joinCode
		? publicUrl(`/projects/join/${encodeURIComponent(project.joinCode)}`)
		: undefined;
	// The link check's outcome is for the team and the event's owner, not for every visitor.
	const seesCheck =
		project.role !== undefined || (viewerId !== undefined && project.event.ownerId === viewerId);
	const check = seesCheck ? await getProjectCheck(id) : null;
	return { project, joinLink, results, check };
};

export const actions: Actions = {
	leave: async (event) => {
		const user = requireUser(event);
		const left = await attempt(leaveProject(user.id, idOf(event.params)));
		if (left.failure) return left.failure;
		redirect(303, '/projects');
	},
	removeCollaborator: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(
			event.request,
			z.object({ userId: z.uuid({ error: () => m.project_choose_teammate() }) })
		);
		if (form.failure) return form.failure;
		const removed = await attempt(removeCollaborator(user.id, idOf(event.params), form.data.userId));
		return removed.failure;
	},
	recheck: async (event) => {
		const user = requireUser(event);
		const asked = await attempt(recheckProject(user, idOf(event.params)));
		if (asked.failure) return asked.failure;
		return { rechecking: true as const };
	},
	delete: async (event) => {
		const user = requireUser(event);
		const deleted = await attempt(deleteProject(user.id, idOf(event.params)));
		if (deleted.failure) return deleted.failure;
		redirect(303, `/events/${deleted.value.eventSlug}`);
	}
};
