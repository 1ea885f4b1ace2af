import { requireEventOwner } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

// The tabs need the event's name and phase. Every page, action and download below checks the owner
// again itself: a layout load does not protect actions or endpoints.
export const load: LayoutServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return {
		admin: {
			name: owned.name,
			slug: owned.slug,
			phase: owned.phase,
			timeZone: owned.timeZone,
			asPlatformAdmin: owned.asPlatformAdmin ?? false,
			deleted: owned.deleted ?? false
		}
	};
};
