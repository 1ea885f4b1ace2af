import { listCountedReceipts } from '$lib/server/results/receipts';
import { orError } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

// Public once the event is closed, like the leaderboard: anyone may check a receipt (a GET form). A plain
// page, without the app's script: a big event's thousands of receipts would be sent twice (as the page
// and again as its data) for nothing the page does.
export const csr = false;

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const typed = url.searchParams.get('receipt')?.slice(0, 40);
	return orError(listCountedReceipts(params.slug, locals.user?.id, typed || undefined));
};
