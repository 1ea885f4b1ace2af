import { redirect, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { isFirstPartyNavigation } from '$lib/server/auth/navigation';
import { joinEventByCode } from '$lib/server/events';
import { codeGuesser } from '$lib/server/join-limits';
import { attempt } from '$lib/server/rules';
import { newFormToken, redirectOnce } from '$lib/server/submit-once';
import { formValues } from '$lib/schemas/forms';
import type { Actions, PageServerLoad } from './$types';
import { formOf } from '$lib/server/http/form-body';

// A join link: opening it signed in joins at once; signed out, requireUser sends the person to sign in
// and back here afterwards. Opened from another site, it asks for a click first.
async function join(event: RequestEvent<{ code: string }>, userId: string) {
	const joined = await attempt(joinEventByCode(codeGuesser(event, userId), event.params.code));
	return joined.failure ?? `/events/${joined.value.slug}?welcome`;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!isFirstPartyNavigation(event.request)) return { code: event.params.code, formToken: newFormToken() };
	const outcome = await join(event, user.id);
	if (typeof outcome === 'string') redirect(303, outcome);
	return { code: event.params.code, message: outcome.data.message };
};

export const actions: Actions = {
	// The click of the prompt: a double tap joins once and leads both posts to the same page.
	default: async (event) => {
		const user = requireUser(event);
		const values = formValues(await formOf(event.request));
		return redirectOnce(event, user.id, values, () => join(event, user.id));
	}
};
