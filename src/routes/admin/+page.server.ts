import { requirePlatformAdmin } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requirePlatformAdmin(event);
	return {};
};
