import { csvStreamResponse } from '$lib/server/admin/csv';
import { attendeesCsvHeader, exportAttendeesCsv } from '$lib/server/admin/exports';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

// Streamed from the database in batches as the owner's browser takes them; times in the event's time
// zone, named in the header.
export const GET: RequestHandler = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return csvStreamResponse(
		`${owned.slug}-attendees.csv`,
		attendeesCsvHeader(owned.timeZone),
		exportAttendeesCsv(owned.id, { timeZone: owned.timeZone })
	);
};
