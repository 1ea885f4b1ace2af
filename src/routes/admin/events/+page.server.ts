import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { decodeCursor, listEvents, readEventFilters } from '$lib/server/platform/events';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	const params = event.url.searchParams;
	const { filters, errors, values } = readEventFilters(params);
	const after = decodeCursor(params.get('after'));
	return {
		...(await listEvents(filters, after)),
		filters,
		errors,
		values,
		paged: after !== undefined,
		purged: params.get('purged')?.slice(0, 200)
	};
};
