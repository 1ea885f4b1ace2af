import { directorySearchSchema } from '$lib/schemas/series';
import { fieldErrors } from '$lib/schemas/forms';
import { DIRECTORY_LIMIT, listDirectory } from '$lib/server/directory/directory';
import type { PageServerLoad } from './$types';

// Public: anyone, signed in or not, sees the same list (only events their owner or a platform admin made
// public). The search is a GET form, so it works without JavaScript and a search can be linked to.
export const load: PageServerLoad = async ({ url }) => {
	const typed = url.searchParams.get('q') ?? '';
	const parsed = directorySearchSchema.safeParse({ q: typed });
	const query = parsed.success ? parsed.data.q : undefined;
	const errors = parsed.success ? {} : fieldErrors(parsed.error);
	const { events, total } = await listDirectory(query);
	return { events, total, limit: DIRECTORY_LIMIT, q: typed.slice(0, 200), query, errors };
};
