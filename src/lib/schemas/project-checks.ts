import { z } from 'zod';
import { m } from '../paraglide/messages.js';

// The ids are checked against the validators registry on the server (src/lib/server/validators/),
// where new checks plug in without touching this form.
const checkId = z
	.string({ error: () => m.server_check_choose() })
	.trim()
	.regex(/^[a-z0-9_]{1,40}$/, { error: () => m.server_check_choose_offered() });

/** The owner's choice of link checks on the event's Projects page. */
export const eventChecksSchema = z.object({ repoCheck: checkId, demoCheck: checkId });
export type EventChecksInput = z.output<typeof eventChecksSchema>;

/** "Check again" on the owner's project table. */
export const recheckSchema = z.object({
	projectId: z.uuid({ error: () => m.server_project_not_in_event() })
});

/** The project table's filter: ?check=invalid. */
export const checkFilterSchema = z.enum(['pending', 'valid', 'warning', 'invalid']);
