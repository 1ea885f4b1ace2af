import { requirePlatformAdmin } from '$lib/server/auth/guards';
import {
	ACTIVITY_KINDS,
	activityQuery,
	decodeCursor,
	listActivity,
	readActivityFilters
} from '$lib/server/platform/activity';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	const filters = readActivityFilters(event.url.searchParams);
	const cursor = decodeCursor(event.url.searchParams.get('before'));
	const { entries, next } = await listActivity(filters, cursor);
	return {
		filters,
		kinds: ACTIVITY_KINDS,
		entries,
		query: activityQuery(filters).toString(),
		next,
		isFirstPage: !cursor
	};
};
