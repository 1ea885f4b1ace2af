import { getLeaderboard } from '$lib/server/leaderboard';
import { orError } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, setHeaders }) => {
	const board = await orError(getLeaderboard(params.slug, locals.user?.id, locals.user?.isPlatformAdmin));
	// Published results look the same to every signed-out visitor: a second's reuse spares the rush of
	// a whole venue opening them at once (see src/lib/server/response-cache.ts). A signed-in page
	// carries the person's name in its header, so it is never shared.
	if (!locals.user) setHeaders({ 'cache-control': 'public, max-age=1' });
	return board;
};
