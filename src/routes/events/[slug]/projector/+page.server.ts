import { error, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { findEventBySlug } from '$lib/server/event-access';
import { setResultsRevealed } from '$lib/server/leaderboard';
import { keptLiveSnapshot } from '$lib/server/live';
import { attempt, orError } from '$lib/server/rules';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const found = await orError(findEventBySlug(event.params.slug, user.id, user.isPlatformAdmin));
	if (!found.isOwner) error(403, m.projector_owner_only());
	return { event: { name: found.name, slug: found.slug }, snapshot: await keptLiveSnapshot(found.id) };
};

async function reveal(event: RequestEvent<{ slug: string }>, revealed: boolean) {
	const user = requireUser(event);
	const done = await attempt(
		findEventBySlug(event.params.slug, user.id).then((found) =>
			setResultsRevealed(user.id, found.id, revealed)
		)
	);
	return done.failure;
}

export const actions: Actions = {
	reveal: (event) => reveal(event, true),
	hide: (event) => reveal(event, false)
};
