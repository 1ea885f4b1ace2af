import { listAuditLog } from '$lib/server/admin/audit';
import { readPageRequest } from '$lib/server/admin/paging';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return listAuditLog(owned.id, readPageRequest(event.url.searchParams));
};
