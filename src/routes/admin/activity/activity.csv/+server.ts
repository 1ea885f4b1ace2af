import { csvStreamResponse } from '$lib/server/admin/csv';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { ACTIVITY_CSV_HEADER, exportActivity, readActivityFilters } from '$lib/server/platform/activity';
import type { RequestHandler } from './$types';

// The filtered activity log as CSV, streamed from the database in keyset batches; the download is audited.
// The same for every admin: admins who ask for the same entries at the same moment share one reading.
export const GET: RequestHandler = async (event) => {
	const user = requirePlatformAdmin(event);
	const filters = readActivityFilters(event.url.searchParams);
	const day = new Date().toISOString().slice(0, 10);
	const file = await exportActivity(user, filters);
	return csvStreamResponse(`podium-activity-${day}.csv`, ACTIVITY_CSV_HEADER, file.batches, {
		sharedAs: file.sharedAs
	});
};
