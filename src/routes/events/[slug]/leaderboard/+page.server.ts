import { getLeaderboard } from '$lib/server/leaderboard';
import { getResultsUncertainty, SHOWN_PLACES } from '$lib/server/results/uncertainty';
import { orError } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, setHeaders, url }) => {
	const board = await orError(getLeaderboard(params.slug, locals.user?.id, locals.user?.isPlatformAdmin));
	// Published results come with how sure they are (the top places, or ?places=all), checked against
	// the ballots at most once a second, like the published ranking itself.
	const places = url.searchParams.get('places') === 'all' ? undefined : SHOWN_PLACES;
	const uncertainty =
		board.event.phase === 'closed'
			? await getResultsUncertainty(board.event.id, { maxAgeMs: 1_000, places })
			: undefined;
	// Published results look the same to every signed-out visitor: a second's reuse spares the rush of
	// a whole venue opening them at once (see src/lib/server/response-cache.ts). A signed-in page
	// carries the person's name in its header, so it is never shared.
	if (!locals.user) setHeaders({ 'cache-control': 'public, max-age=1' });
	return { ...board, uncertainty };
};
