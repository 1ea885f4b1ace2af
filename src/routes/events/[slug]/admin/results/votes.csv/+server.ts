import { csvStreamResponse } from '$lib/server/admin/csv';
import { votesCsvHeader, exportVotesCsv } from '$lib/server/admin/exports';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

// Streamed from the database in batches as the owner's browser takes them; times in the event's time
// zone, named in the header.
export const GET: RequestHandler = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return csvStreamResponse(
		`${owned.slug}-votes.csv`,
		votesCsvHeader(owned.timeZone),
		exportVotesCsv(owned.id, { timeZone: owned.timeZone })
	);
};
