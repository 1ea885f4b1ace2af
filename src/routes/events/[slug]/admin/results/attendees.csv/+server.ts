import { csvStreamResponse } from '$lib/server/admin/csv';
import { attendeesCsvHeader, downloadTimeZone, exportAttendeesCsv } from '$lib/server/admin/exports';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

// Streamed from the database in batches as the owner's browser takes them; times in the event's time
// zone (or UTC, if the database does not know it), named in the header. The same for every owner: owners who
// ask at the same moment share one reading.
export const GET: RequestHandler = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const timeZone = await downloadTimeZone(owned.timeZone);
	const file = exportAttendeesCsv(owned.id, { timeZone });
	return csvStreamResponse(`${owned.slug}-attendees.csv`, attendeesCsvHeader(timeZone), file.batches, {
		sharedAs: file.sharedAs
	});
};
