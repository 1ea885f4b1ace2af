import { requirePlatformAdmin } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

// The app-wide admin area. Every page, action and download below checks the role again itself: a
// layout load does not protect actions or endpoints.
export const load: LayoutServerLoad = (event) => {
	requirePlatformAdmin(event);
	return {};
};
