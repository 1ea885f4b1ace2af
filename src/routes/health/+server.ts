import { json } from '@sveltejs/kit';
import { checkDatabaseHealth } from '$lib/server/health';
import type { RequestHandler } from './$types';

/** For load balancers and uptime checks: 200 when the database answers, 503 when it does not. */
export const GET: RequestHandler = async () => {
	const database = await checkDatabaseHealth();
	return json(
		{ status: database === 'reachable' ? 'ok' : 'unavailable', database },
		{ status: database === 'reachable' ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
