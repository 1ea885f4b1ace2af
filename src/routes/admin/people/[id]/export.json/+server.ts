import { json } from '@sveltejs/kit';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { exportPerson } from '$lib/server/platform/person-export';
import { orError } from '$lib/server/rules';
import type { RequestHandler } from './$types';

// Everything held about one person, as a JSON download; every download is recorded in the audit log.
export const GET: RequestHandler = async (event) => {
	const user = requirePlatformAdmin(event);
	const data = await orError(exportPerson(user, event.params.id));
	return json(data, {
		headers: {
			'content-disposition': `attachment; filename="person-${data.profile.id}.json"`,
			'cache-control': 'private, no-store'
		}
	});
};
