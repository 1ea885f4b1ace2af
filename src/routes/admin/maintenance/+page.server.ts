import { startMaintenanceSchema } from '$lib/schemas/maintenance';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { forgetMaintenance, readMaintenance, setMaintenance } from '$lib/server/maintenance/mode';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	// The admin deciding sees the switch as the database has it, not this instance's copy.
	forgetMaintenance();
	return { maintenance: await readMaintenance() };
};

export const actions: Actions = {
	start: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, startMaintenanceSchema);
		if (form.failure) return form.failure;
		const done = await attempt(
			setMaintenance(user, { active: true, message: form.data.message }),
			form.values
		);
		if (done.failure) return done.failure;
		return { started: true };
	},
	end: async (event) => {
		const user = requirePlatformAdmin(event);
		const done = await attempt(setMaintenance(user, { active: false }));
		if (done.failure) return done.failure;
		return { ended: true };
	}
};
