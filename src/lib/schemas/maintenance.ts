import { z } from 'zod';

/** Starting read-only maintenance (or changing its message). */
export const startMaintenanceSchema = z.object({
	message: z
		.string()
		.trim()
		.min(1, 'Write the message people will see, e.g. "Moving to the new database: back by 18:00 UTC."')
		.max(500, 'The message can be at most 500 characters.')
});
