import { listReferralGroups } from '$lib/server/admin/referrals';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return listReferralGroups(owned.id);
};
