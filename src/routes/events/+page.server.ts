import { requireUser } from '$lib/server/auth/guards';
import { listMyEvents } from '$lib/server/events';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return await listMyEvents(user.id);
};
