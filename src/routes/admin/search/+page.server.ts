import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { searchEverything } from '$lib/server/platform/search';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	return { results: await searchEverything(event.url.searchParams.get('q') ?? '') };
};
