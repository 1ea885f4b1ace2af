import { listCountedReceipts } from '$lib/server/results/receipts';
import { orError } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

// Public once the event is closed, like the leaderboard: anyone may check a receipt (a GET form).
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const typed = url.searchParams.get('receipt')?.slice(0, 40);
	return orError(listCountedReceipts(params.slug, locals.user?.id, typed || undefined));
};
