import { csvResponse } from '$lib/server/admin/csv';
import { exportAttendeesCsv } from '$lib/server/admin/exports';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return csvResponse(`${owned.slug}-attendees.csv`, await exportAttendeesCsv(owned.id));
};
