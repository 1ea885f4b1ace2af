import { redirect } from '@sveltejs/kit';
import { joinEventSchema, referralSchema } from '$lib/schemas/event';
import { requireUser } from '$lib/server/auth/guards';
import { publicUrl } from '$lib/server/config';
import { getEventForViewer, joinEventByCode, recordReferral } from '$lib/server/events';
import { parseForm } from '$lib/server/forms';
import { codeGuesser } from '$lib/server/join-limits';
import { listEventGallery, pageNumber } from '$lib/server/projects';
import { getBallotRecord } from '$lib/server/results/receipts';
import { newFormToken, redirectOnce } from '$lib/server/submit-once';
import { attempt, orError } from '$lib/server/rules';
import { viewerKey } from '$lib/server/viewer';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = event.locals.user;
	// Platform admins still see a soft-deleted event, marked; for everyone else it is gone.
	const found = await orError(getEventForViewer(event.params.slug, user?.id, user?.isPlatformAdmin));
	return {
		event: found,
		// A page of the gallery (`?page=2`, plain links): a large event's page stays light.
		gallery: await listEventGallery(
			found.id,
			viewerKey(event),
			pageNumber(event.url.searchParams.get('page'))
		),
		// The attendee's ballot receipt, or why the organisers voided their ballot.
		ballotRecord: found.isAttendee && user ? await getBallotRecord(user.id, found.id) : null,
		joinLink: found.joinCode ? publicUrl(`/join/${encodeURIComponent(found.joinCode)}`) : undefined,
		welcome: event.url.searchParams.has('welcome'),
		signedIn: user !== null,
		formToken: newFormToken()
	};
};

export const actions: Actions = {
	join: async (event) => {
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
	},
	referral: async (event) => {
		const user = requireUser(event);
		const found = await orError(getEventForViewer(event.params.slug, user.id));
		const form = await parseForm(event.request, referralSchema);
		if (form.failure) return form.failure;
		const saved = await attempt(recordReferral(found.id, user.id, form.data.referral), form.values);
		if (saved.failure) return saved.failure;
		redirect(303, `/events/${found.slug}`);
	}
};
