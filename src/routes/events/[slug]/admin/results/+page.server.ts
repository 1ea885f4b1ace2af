import { requireEventOwner } from '$lib/server/auth/guards';
import { countTurnout, rankProjects } from '$lib/server/leaderboard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const [ranking, turnout] = await Promise.all([rankProjects(owned.id), countTurnout(owned.id)]);
	return { ranking, turnout, phase: owned.phase };
};
