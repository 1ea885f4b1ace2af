import { readPageRequest } from '$lib/server/admin/paging';
import { listVotes } from '$lib/server/admin/votes';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return listVotes(owned.id, readPageRequest(event.url.searchParams));
};
