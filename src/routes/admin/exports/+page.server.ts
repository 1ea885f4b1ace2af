import { requirePlatformAdmin } from '$lib/server/auth/guards';
import {
	isEmptySelection,
	listRecentEvents,
	previewExport,
	readExportSelection
} from '$lib/server/platform/project-exports';
import type { PageServerLoad } from './$types';

// The form is a GET: its query is both the preview here and the download link's.
export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	const selection = readExportSelection(event.url.searchParams);
	return {
		selection,
		recent: await listRecentEvents(),
		preview: isEmptySelection(selection) ? undefined : await previewExport(selection),
		query: event.url.searchParams.toString()
	};
};
