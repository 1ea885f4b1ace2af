import { requireEventOwner } from '$lib/server/auth/guards';
import { countTurnout } from '$lib/server/leaderboard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return { turnout: await countTurnout(owned.id), phase: owned.phase };
};
