import { readMaintenanceForBanner } from '$lib/server/maintenance/mode';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const maintenance = await readMaintenanceForBanner();
	return {
		// This reaches every page: the header's name only, never the user's private fields.
		user: locals.user
			? {
					displayName: locals.user.displayName || locals.user.email,
					isPlatformAdmin: locals.user.isPlatformAdmin
				}
			: null,
		// The banner of read-only maintenance, on every page while it lasts.
		maintenance: maintenance.active ? { message: maintenance.message } : null
	};
};
