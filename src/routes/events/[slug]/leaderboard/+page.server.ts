import { error } from '@sveltejs/kit';
import { getLeaderboard } from '$lib/server/leaderboard';
import { RuleViolation } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, setHeaders }) => {
	try {
		const board = await getLeaderboard(params.slug, locals.user?.id);
		// Published results look the same to every signed-out visitor: a second's reuse spares the rush of
		// a whole venue opening them at once (see src/lib/server/response-cache.ts). A signed-in page
		// carries the person's name in its header, so it is never shared.
		if (!locals.user) setHeaders({ 'cache-control': 'public, max-age=1' });
		return board;
	} catch (e) {
		if (e instanceof RuleViolation) error(e.status, e.message);
		throw e;
	}
};
