import { requireEventOwner } from '$lib/server/auth/guards';
import { countTurnout, rankProjects } from '$lib/server/leaderboard';
import { summariseCoverage } from '$lib/server/results/coverage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const [ranking, turnout, coverage] = await Promise.all([
		rankProjects(owned.id),
		countTurnout(owned.id),
		summariseCoverage(owned.id)
	]);
	return { ranking, turnout, coverage, phase: owned.phase };
};
