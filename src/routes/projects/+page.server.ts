import { requireUser } from '$lib/server/auth/guards';
import { listMyProjects } from '$lib/server/projects';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { projects: await listMyProjects(user.id) };
};
