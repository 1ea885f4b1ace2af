import { error } from '@sveltejs/kit';
import { getLeaderboard } from '$lib/server/leaderboard';
import { RuleViolation } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		return await getLeaderboard(params.slug, locals.user?.id);
	} catch (e) {
		if (e instanceof RuleViolation) error(e.status, e.message);
		throw e;
	}
};
