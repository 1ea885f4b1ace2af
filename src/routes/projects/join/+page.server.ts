import { fail } from '@sveltejs/kit';
import { joinProjectSchema } from '$lib/schemas/project';
import { requireUser } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { codeGuesser } from '$lib/server/join-limits';
import { PII_MISSING, profileLinkBackTo } from '$lib/server/pii-gate';
import { joinProjectByCode } from '$lib/server/projects';
import { attempt } from '$lib/server/rules';
import { newFormToken, redirectOnce } from '$lib/server/submit-once';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireUser(event);
	return { formToken: newFormToken() };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(event.request, joinProjectSchema);
		if (form.failure) return form.failure;
		return redirectOnce(event, user.id, form.values, async () => {
			const joined = await attempt(
				joinProjectByCode(codeGuesser(event, user.id), form.data.code),
				form.values
			);
			if (!joined.failure) return `/projects/${joined.value.projectId}`;
			// The PII gate: the profile, then back to this code's join link, which joins at once.
			const { data } = joined.failure;
			if (data.reason !== PII_MISSING) return joined.failure;
			const back = `/projects/join/${encodeURIComponent(form.data.code)}`;
			return fail(joined.failure.status, { ...data, profileHref: profileLinkBackTo(back) });
		});
	}
};
