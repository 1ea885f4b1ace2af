import { error } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { hasBearerToken, renderMetrics } from '$lib/server/metrics';
import type { RequestHandler } from './$types';

/**
 * Prometheus metrics for the operator's scraper, behind METRICS_TOKEN (`Authorization: Bearer …`).
 * Without METRICS_TOKEN there are no metrics: 404, as for any page that does not exist.
 */
export const GET: RequestHandler = async ({ request }) => {
	const token = config().metricsToken;
	if (token === null) error(404, 'Page not found'); // i18n-ignore: for the operator's scraper
	if (!hasBearerToken(request.headers.get('authorization'), token)) {
		return new Response('Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n', {
			status: 401,
			headers: {
				'www-authenticate': 'Bearer realm="metrics"',
				'content-type': 'text/plain; charset=utf-8',
				'cache-control': 'no-store'
			}
		});
	}
	const { body, contentType } = await renderMetrics();
	return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
};
