import { redirect } from '@sveltejs/kit';
import { csvStreamResponse } from '$lib/server/admin/csv';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import {
	exportProjects,
	isEmptySelection,
	PROJECT_EXPORT_HEADER,
	readExportSelection
} from '$lib/server/platform/project-exports';
import type { RequestHandler } from './$types';

// The grant programmes' export, streamed from the database in batches; every download is audited. A
// selection without events goes back to the form, which says why.
export const GET: RequestHandler = async (event) => {
	const user = requirePlatformAdmin(event);
	const selection = readExportSelection(event.url.searchParams);
	const back = `/admin/exports${event.url.search}`;
	if (isEmptySelection(selection)) redirect(303, back);
	const file = await exportProjects(user, selection);
	if (!file) redirect(303, back);
	const day = new Date().toISOString().slice(0, 10);
	const name =
		selection.slugs.length === 1 && !selection.from && !selection.to && !selection.series
			? selection.slugs[0]
			: selection.series && !selection.slugs.length && !selection.from && !selection.to
				? 'series'
				: 'events';
	return csvStreamResponse(`podium-projects-${name}-${day}.csv`, PROJECT_EXPORT_HEADER, file.batches, {
		sharedAs: file.sharedAs
	});
};
