import { ballotSchema } from '$lib/schemas/ballot';
import { requireUser } from '$lib/server/auth/guards';
import { findEventBySlug } from '$lib/server/event-access';
import { parseForm } from '$lib/server/forms';
import { attempt, orError } from '$lib/server/rules';
import { castBallotAt, getBallot } from '$lib/server/voting';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const found = await orError(findEventBySlug(event.params.slug, user.id));
	const ballot = await orError(getBallot(user.id, found.id));
	return { event: { name: found.name, slug: found.slug }, ballot };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(event.request, ballotSchema);
		if (form.failure) return form.failure;
		const cast = await attempt(castBallotAt(user.id, event.params.slug, form.data.project), form.values);
		if (cast.failure) return cast.failure;
		return { saved: true, picks: cast.value.picks };
	}
};
