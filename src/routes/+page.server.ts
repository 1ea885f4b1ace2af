import { listMyHomeEvents } from '$lib/server/home';
import { homePageTotals } from '$lib/server/stats';
import { newFormToken } from '$lib/server/submit-once';
import type { PageServerLoad } from './$types';

// Open to everyone: a visitor sees what Podium is; a signed-in person with a complete profile also sees
// their events and what to do next in each (their own rows only, by their session's id).
export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user?.profileComplete ? locals.user : null;
	const [totals, mine] = await Promise.all([homePageTotals(), user ? listMyHomeEvents(user.id) : null]);
	// The join form posts to /join, which answers a double tap once.
	return { totals, mine, formToken: newFormToken() };
};
