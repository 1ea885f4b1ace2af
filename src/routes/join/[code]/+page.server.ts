import { redirect, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { isFirstPartyNavigation } from '$lib/server/auth/navigation';
import { joinEventByCode } from '$lib/server/events';
import { codeGuesser } from '$lib/server/join-limits';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

// A join link: opening it signed in joins at once; signed out, requireUser sends the person to sign in
// and back here afterwards. Opened from another site, it asks for a click first.
async function join(event: RequestEvent<{ code: string }>, userId: string) {
	const joined = await attempt(joinEventByCode(codeGuesser(event, userId), event.params.code));
	if (joined.failure) return joined.failure;
	redirect(303, `/events/${joined.value.slug}?welcome`);
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!isFirstPartyNavigation(event.request)) return { code: event.params.code };
	const failure = await join(event, user.id);
	return { code: event.params.code, message: failure.data.message };
};

export const actions: Actions = {
	default: async (event) => join(event, requireUser(event).id)
};
