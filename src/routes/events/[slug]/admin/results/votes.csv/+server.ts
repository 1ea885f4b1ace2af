import { csvStreamResponse } from '$lib/server/admin/csv';
import { VOTES_CSV_HEADER, exportVotesCsv } from '$lib/server/admin/exports';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

// Streamed from the database in batches as the owner's browser takes them.
export const GET: RequestHandler = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	return csvStreamResponse(`${owned.slug}-votes.csv`, VOTES_CSV_HEADER, exportVotesCsv(owned.id));
};
