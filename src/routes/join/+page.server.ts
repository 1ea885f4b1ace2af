import { joinEventSchema } from '$lib/schemas/event';
import { requireUser } from '$lib/server/auth/guards';
import { joinEventByCode } from '$lib/server/events';
import { parseForm } from '$lib/server/forms';
import { codeGuesser } from '$lib/server/join-limits';
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
		const form = await parseForm(event.request, joinEventSchema);
		if (form.failure) return form.failure;
		return redirectOnce(event, user.id, form.values, async () => {
			const joined = await attempt(
				joinEventByCode(codeGuesser(event, user.id), form.data.code, form.data.referral),
				form.values
			);
			return joined.failure ?? `/events/${joined.value.slug}`;
		});
	}
};
