import { z } from 'zod';

// The ids are checked against the validators registry on the server (src/lib/server/validators/),
// where new checks plug in without touching this form.
const checkId = z
	.string({ error: 'Choose a check.' })
	.trim()
	.regex(/^[a-z0-9_]{1,40}$/, 'Choose one of the checks offered.');

/** The owner's choice of link checks on the event's Projects page. */
export const eventChecksSchema = z.object({ repoCheck: checkId, demoCheck: checkId });
export type EventChecksInput = z.output<typeof eventChecksSchema>;

/** "Check again" on the owner's project table. */
export const recheckSchema = z.object({ projectId: z.uuid({ error: 'That project is not in this event.' }) });

/** The project table's filter: ?check=invalid. */
export const checkFilterSchema = z.enum(['pending', 'valid', 'warning', 'invalid']);
