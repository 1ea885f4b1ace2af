import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

/** Starting read-only maintenance (or changing its message). */
export const startMaintenanceSchema = z.object({
	message: z
		.string()
		.trim()
		.min(1, { error: () => m.people_maintenance_message_required() })
		.max(500, { error: () => m.people_maintenance_message_too_long() })
});
