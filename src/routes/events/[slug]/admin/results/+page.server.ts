import { requireEventOwner } from '$lib/server/auth/guards';
import { countTurnout, rankProjects } from '$lib/server/leaderboard';
import { summariseCoverage } from '$lib/server/results/coverage';
import { getResultsUncertainty, SHOWN_PLACES } from '$lib/server/results/uncertainty';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const [ranking, turnout, uncertainty, coverage] = await Promise.all([
		rankProjects(owned.id),
		countTurnout(owned.id),
		// The top places by default; ?places=all for every project's interval.
		getResultsUncertainty(owned.id, {
			places: event.url.searchParams.get('places') === 'all' ? undefined : SHOWN_PLACES
		}),
		summariseCoverage(owned.id)
	]);
	return { ranking, turnout, phase: owned.phase, uncertainty, coverage };
};
