import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { isFirstPartyNavigation } from '$lib/server/auth/navigation';
import { codeGuesser } from '$lib/server/join-limits';
import { PII_MISSING, profileLinkBackTo } from '$lib/server/pii-gate';
import { joinProjectByCode } from '$lib/server/projects';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

// A project's join link: joins the team at once when signed in (after sign-in otherwise). Opened from
// another site, it asks for a click first.
async function join(event: RequestEvent<{ code: string }>, userId: string) {
	const joined = await attempt(joinProjectByCode(codeGuesser(event, userId), event.params.code));
	if (joined.failure) {
		const { data, status } = joined.failure;
		// The PII gate: the profile, then back to this link, which then joins at once.
		const profileHref = data.reason === PII_MISSING ? profileLinkBackTo(event.url.pathname) : undefined;
		return fail(status, { ...data, profileHref });
	}
	redirect(303, `/projects/${joined.value.projectId}`);
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!isFirstPartyNavigation(event.request)) return { code: event.params.code };
	const failure = await join(event, user.id);
	return { code: event.params.code, message: failure.data.message, profileHref: failure.data.profileHref };
};

export const actions: Actions = {
	default: async (event) => join(event, requireUser(event).id)
};
