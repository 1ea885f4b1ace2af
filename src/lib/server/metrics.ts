import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { databasePoolUsage } from './db.ts';

// What /metrics reports (Prometheus text format), per app process. Label values come from a closed
// set (route ids, statuses, outcomes), never from what a client sent, so the series stay few.

function createMetrics() {
	const registry = new Registry();
	// Process and Node.js figures, among them the event-loop lag (nodejs_eventloop_lag_*).
	collectDefaultMetrics({ register: registry });
	return {
		registry,
		requestDuration: new Histogram({
			name: 'podium_http_request_duration_seconds',
			// i18n-ignore: for the operator's metrics scraper
			help: 'Time to answer a request (to the response headers), by method, route id and status.',
			labelNames: ['method', 'route', 'status'] as const,
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers: [registry]
		}),
		ballots: new Counter({
			name: 'podium_ballots_total',
			// i18n-ignore: for the operator's metrics scraper
			help: 'Ballots sent: accepted (recorded, repeat, outdated) or refused, by reason.',
			labelNames: ['result', 'reason'] as const,
			registers: [registry]
		}),
		batches: new Histogram({
			name: 'podium_database_batch_size',
			// i18n-ignore: for the operator's metrics scraper
			help: 'Calls made together in one database statement (those that arrived while earlier ones ran), by call.',
			labelNames: ['call'] as const,
			buckets: [1, 2, 5, 10, 20, 50],
			registers: [registry]
		}),
		signInMails: new Counter({
			name: 'podium_sign_in_mails_total',
			// i18n-ignore: for the operator's metrics scraper
			help: 'Sign-in mails handed to the mail server or outbox (sent), or that could not be (failed).',
			labelNames: ['result'] as const,
			registers: [registry]
		}),
		liveViews: new Gauge({
			name: 'podium_live_view_connections',
			// i18n-ignore: for the operator's metrics scraper
			help: 'Open live-view streams (owners following an event live) in this process.',
			registers: [registry]
		}),
		pool: new Gauge({
			name: 'podium_database_pool_connections',
			// i18n-ignore: for the operator's metrics scraper
			help: 'Connections of the PostgreSQL pool in use, and requests waiting for one (absent on the embedded database).',
			labelNames: ['state'] as const,
			registers: [registry],
			collect() {
				const usage = databasePoolUsage();
				if (!usage) return;
				this.set({ state: 'in_use' }, usage.inUse);
				this.set({ state: 'waiting' }, usage.waiting);
			}
		})
	};
}

// One set per process: Vite's dev server evaluates this module again after an edit, and the counters
// (and the default metrics' timers) must not start over or be registered twice.
const metrics = ((globalThis as { podiumMetrics?: ReturnType<typeof createMetrics> }).podiumMetrics ??=
	createMetrics());

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Counts one answered request. `route` is the route id (null when no route matched). */
export function observeRequest(method: string, route: string | null, status: number, seconds: number) {
	metrics.requestDuration.observe(
		{ method: METHODS.has(method) ? method : 'other', route: route ?? 'none', status: String(status) },
		seconds
	);
}

const ACCEPTED = new Set(['recorded', 'repeat', 'outdated']);

/** Counts a ballot by what became of it: cast_ballot's outcome, or why it was refused before that. */
export function countBallot(outcome: string) {
	metrics.ballots.inc({ result: ACCEPTED.has(outcome) ? 'accepted' : 'refused', reason: outcome });
}

/** Counts one database statement that made `calls` calls named `call` together (batches.ts). */
export function observeBatch(call: string, calls: number) {
	metrics.batches.observe({ call }, calls);
}

/** Counts a sign-in mail. */
export function countSignInMail(result: 'sent' | 'failed') {
	metrics.signInMails.inc({ result });
}

/** Counts a live view opening; call the function it returns when the view closes. */
export function openLiveView(): () => void {
	metrics.liveViews.inc();
	let open = true;
	return () => {
		if (open) metrics.liveViews.dec();
		open = false;
	};
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries `token` as its bearer token (compared in constant time). */
export function hasBearerToken(authorization: string | null, token: string): boolean {
	const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
	// Digests of equal length, so neither the comparison nor an early length check tells anything.
	return timingSafeEqual(digest(given), digest(token)) && given !== '';
}

/** The metrics in Prometheus's text format, and its content type. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
	return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}
