import { requireEventOwner } from '$lib/server/auth/guards';
import { ownerResults } from '$lib/server/results/owner-results';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	// The first rows of the ranking and the top places' uncertainty by default; ?places=all for all.
	const results = await ownerResults(owned.id, event.url.searchParams.get('places') === 'all');
	return { ...results, phase: owned.phase };
};
