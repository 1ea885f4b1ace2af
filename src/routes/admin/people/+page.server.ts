import { adminEmailSchema } from '$lib/schemas/people';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { grantPlatformAdmin, listPlatformAdmins, revokePlatformAdmin } from '$lib/server/platform/admins';
import { listPeople, readPeopleRequest } from '$lib/server/platform/people';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requirePlatformAdmin(event);
	const request = readPeopleRequest(event.url.searchParams);
	const [list, admins] = await Promise.all([listPeople(request), listPlatformAdmins()]);
	return { ...list, request, admins, me: user.id };
};

export const actions: Actions = {
	grant: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, adminEmailSchema);
		if (form.failure) return form.failure;
		const done = await attempt(grantPlatformAdmin(user, form.data.email), form.values);
		if (done.failure) return done.failure;
		return { granted: done.value };
	},
	revoke: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, adminEmailSchema);
		if (form.failure) return form.failure;
		const done = await attempt(revokePlatformAdmin(user, form.data.email));
		if (done.failure) return done.failure;
		return { revoked: done.value };
	}
};
