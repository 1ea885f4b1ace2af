import { z } from 'zod';
import { removeAttendeeSchema } from '$lib/schemas/admin';
import { describeAttendeeRemoval, listAttendees, removeAttendee } from '$lib/server/admin/attendees';
import { readPageRequest } from '$lib/server/admin/paging';
import { requireEventOwner } from '$lib/server/auth/guards';
import { issueSignInCode } from '$lib/server/auth/sign-in-codes';
import { issueSignInCodeSchema } from '$lib/schemas/sign-in-code';
import { parseForm } from '$lib/server/forms';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	// ?remove=<user id> opens the confirmation for that attendee (a link, so it works without JS).
	const remove = z.uuid().safeParse(event.url.searchParams.get('remove'));
	return {
		...(await listAttendees(owned.id, readPageRequest(event.url.searchParams))),
		removal: remove.success ? await describeAttendeeRemoval(owned.id, remove.data) : undefined
	};
};

export const actions: Actions = {
	remove: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, removeAttendeeSchema);
		if (form.failure) return form.failure;
		const { userId, ...options } = form.data;
		const removed = await attempt(removeAttendee(user, owned.id, userId, options));
		if (removed.failure) return removed.failure;
		return { removed: removed.value };
	},
	issueCode: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, issueSignInCodeSchema);
		if (form.failure) return form.failure;
		const issued = await attempt(issueSignInCode(user, owned.id, form.data.email));
		if (issued.failure) return issued.failure;
		// The code is a credential: this answer must not be kept by any cache.
		event.setHeaders({ 'cache-control': 'no-store' });
		return { issued: { ...issued.value, expiresAt: issued.value.expiresAt.toISOString() } };
	}
};
