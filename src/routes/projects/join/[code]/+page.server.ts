import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { isFirstPartyNavigation } from '$lib/server/auth/navigation';
import { codeGuesser } from '$lib/server/join-limits';
import { PII_MISSING, profileLinkBackTo } from '$lib/server/pii-gate';
import { joinProjectByCode } from '$lib/server/projects';
import { attempt } from '$lib/server/rules';
import { newFormToken, redirectOnce } from '$lib/server/submit-once';
import { formValues } from '$lib/schemas/forms';
import type { Actions, PageServerLoad } from './$types';
import { formOf } from '$lib/server/http/form-body';

// A project's join link: joins the team at once when signed in (after sign-in otherwise). Opened from
// another site, it asks for a click first.
async function join(event: RequestEvent<{ code: string }>, userId: string) {
	const joined = await attempt(joinProjectByCode(codeGuesser(event, userId), event.params.code));
	if (!joined.failure) return `/projects/${joined.value.projectId}`;
	const { data, status } = joined.failure;
	// The PII gate: the profile, then back to this link, which then joins at once.
	const profileHref = data.reason === PII_MISSING ? profileLinkBackTo(event.url.pathname) : undefined;
	return fail(status, { ...data, profileHref });
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!isFirstPartyNavigation(event.request)) return { code: event.params.code, formToken: newFormToken() };
	const outcome = await join(event, user.id);
	if (typeof outcome === 'string') redirect(303, outcome);
	return { code: event.params.code, message: outcome.data.message, profileHref: outcome.data.profileHref };
};

export const actions: Actions = {
	// The click of the prompt: a double tap joins once and leads both posts to the same page.
	default: async (event) => {
		const user = requireUser(event);
		const values = formValues(await formOf(event.request));
		return redirectOnce(event, user.id, values, () => join(event, user.id));
	}
};
