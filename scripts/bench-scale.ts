// `npm run bench:scale [-- --reuse] [--only /admin] [--json out.json]`: every page and download of the
// app on the scale database (100,000 people, 5,000 events, a million votes; scripts/seed-scale.ts),
// each requested as the person who would open it. The routes come from the file system
// (tests/e2e/helpers/routes.ts), so pages added later are measured without editing this file; a route
// whose parameters it cannot fill is listed as skipped. See BENCHMARKS.md for the figures.
//
// Per URL: 3 warm-ups, then N sequential requests (p50/p95), then M requests with C in flight
// (requests per second), the response's bytes and every status (anything but 200 is an error). The
// app's memory (RSS) before, after, and after a pause. Targets: sequential p95 < 300 ms, ≥ 50 requests
// per second with 50 in flight, ballot and event pages < 150 KB.
//
// First, on the freshly started app, the votes download of the closed event (13,500 votes) 50 times at
// once: the app's resident memory sampled every 20 ms during that burst, then after it and after the
// pause. Targets: the burst adds under 200 MB, and the memory comes back (within 50 MB of where it was).
//
// Options: --reuse (keep a database this seed made at these sizes), --only <route prefix> (or <route>$
// for that route alone), --json <file>,
// --requests N (20), --concurrent-requests M (200), --concurrency C (50), --pause <s> (10), --no-burst
// (skip the downloads burst), and the seed's sizes (--scale 0.1, --people ...). Environment:
// BENCH_SCALE_DATABASE_URL, BENCH_PORT (4320).

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generateToken, hashToken } from '../src/lib/server/auth/tokens.ts';
import { startBuiltApp } from './scale/app.ts';
import { discoverRoutes, pathOf, type RouteInfo } from '../tests/e2e/helpers/routes.ts';
import { DEFAULT_SCALE_URL, prepareScaleDatabase } from './scale/database.ts';
import { SIZE_OPTIONS, sizesFromOptions } from './scale/sizes.ts';
import { commandLine } from './command-line.ts';

const { values } = commandLine(
	import.meta.url,
	{
		...SIZE_OPTIONS,
		reuse: { type: 'boolean', default: false },
		only: { type: 'string' },
		json: { type: 'string' },
		requests: { type: 'string', default: '20' },
		'concurrent-requests': { type: 'string', default: '200' },
		concurrency: { type: 'string', default: '50' },
		pause: { type: 'string', default: '10' },
		burst: { type: 'boolean', default: true }
	},
	{ allowNegative: true }
);
const root = path.resolve(import.meta.dirname, '..');
process.chdir(root); // discoverRoutes() reads src/routes relative to the working directory
const databaseUrl = process.env.BENCH_SCALE_DATABASE_URL?.trim() || DEFAULT_SCALE_URL;
const port = Number(process.env.BENCH_PORT) || 4320;
const origin = `http://127.0.0.1:${port}`;
const sequential = Number(values.requests);
const concurrentRequests = Number(values['concurrent-requests']);
const concurrency = Number(values.concurrency);
const WARM_UPS = 3;
const TARGET = { p95: 300, perSecond: 50, kilobytes: 150, burstMegabytes: 200, keptMegabytes: 50 };
/** The pages an attendee opens on a phone at the venue: the size target applies to them. */
const SIZE_LIMITED = new Set(['/events/[slug]', '/events/[slug]/vote']);

function log(line: string) {
	console.log(`[bench] ${line}`);
}

/**
 * One GET over kept-alive connections (a browser keeps its connection too); resolves to its status and
 * the bytes of its body. A request that the server reset on a connection it had just closed as idle is
 * sent again once, as Node's documentation advises (`req.reusedSocket`): that is the client's race, not
 * an answer of the app.
 */
function get(
	url: string,
	headers: Record<string, string>,
	agent?: http.Agent,
	retry = true
): Promise<{ status: number; bytes: number }> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${origin}${url}`, { headers, agent }, (res) => {
			let bytes = 0;
			res.on('data', (chunk: Buffer) => (bytes += chunk.length));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
			res.on('error', reject);
		});
		req.on('error', (error: NodeJS.ErrnoException) => {
			if (retry && req.reusedSocket && error.code === 'ECONNRESET') resolve(get(url, headers, agent, false));
			else reject(error);
		});
		req.end();
	});
}

type Persona =
	| 'anonymous'
	| 'attendee'
	| 'closedVoter'
	| 'outsider'
	| 'submitter'
	| 'projectOwner'
	| 'owner'
	| 'admin'
	| 'newcomer';

/** The rows the pages are measured with, and a signed-in session for each persona. */
interface Fixture {
	votingSlug: string;
	votingJoinCode: string;
	closedSlug: string;
	closedEventId: string;
	submissionSlug: string;
	projectId: string;
	projectJoinCode: string;
	busiestPersonId: string;
	tokens: Record<Exclude<Persona, 'anonymous'>, string>;
	userIds: string[];
}

/** Which event, person and parameters each route is measured with; null = no rule (skipped). */
function requestFor(route: RouteInfo, f: Fixture): { url: string; as: Persona } | { skip: string } {
	const id = route.id;
	if (id === '/events/[slug]/live')
		return { skip: 'an event stream that stays open (npm run bench:voting covers it)' };
	if (id === '/metrics')
		return { skip: "the operator's scraper, behind METRICS_TOKEN (read for the heap figures)" };
	if (id.startsWith('/sign-in/oidc'))
		return { skip: 'sign-in through an OIDC provider, not configured here' };
	const slugFor = (slug: string) => pathOf(route, { slug });
	if (id.startsWith('/events/[slug]/admin')) return { url: slugFor(f.closedSlug), as: 'owner' };
	if (id === '/events/[slug]/leaderboard') return { url: slugFor(f.closedSlug), as: 'anonymous' };
	if (id === '/events/[slug]/projects/new') return { url: slugFor(f.submissionSlug), as: 'submitter' };
	if (id === '/events/[slug]/projector') return { url: slugFor(f.closedSlug), as: 'owner' };
	// Receipts are checked once voting has closed, by someone who voted.
	if (id === '/events/[slug]/receipts') return { url: slugFor(f.closedSlug), as: 'closedVoter' };
	if (id.startsWith('/events/[slug]')) return { url: slugFor(f.votingSlug), as: 'attendee' };
	if (id === '/join/[code]') return { url: pathOf(route, { code: f.votingJoinCode }), as: 'outsider' };
	if (id === '/projects/[id]/edit') return { url: pathOf(route, { id: f.projectId }), as: 'projectOwner' };
	if (id.startsWith('/projects/[id]')) return { url: pathOf(route, { id: f.projectId }), as: 'attendee' };
	if (id === '/projects/join/[code]')
		return { url: pathOf(route, { code: f.projectJoinCode }), as: 'attendee' };
	if (id.startsWith('/admin')) {
		const values: Record<string, string> = {};
		for (const param of route.params) {
			if (param === 'id' && id.startsWith('/admin/events/')) values.id = f.closedEventId;
			else if (param === 'id' && id.startsWith('/admin/people/')) values.id = f.busiestPersonId;
			else if (param === 'id' && id.startsWith('/admin/projects/')) values.id = f.projectId;
			else return { skip: `no rule fills [${param}] under /admin` };
		}
		// A download needs its selection: the closed featured event.
		if (id === '/admin/exports/projects.csv')
			return { url: `${pathOf(route, values)}?slugs=${f.closedSlug}`, as: 'admin' };
		return { url: pathOf(route, values), as: 'admin' };
	}
	if (route.params.length > 0)
		return { skip: `no rule fills ${route.params.map((p) => `[${p}]`).join(', ')}` };
	if (id === '/welcome') return { url: id, as: 'newcomer' };
	if (['/', '/health', '/sign-in', '/sign-in/verify'].includes(id)) return { url: id, as: 'anonymous' };
	return { url: id, as: 'attendee' };
}

/** The files of each route id (route groups left out of the id, as discoverRoutes does). */
function routeDirectories(
	dir = path.join(root, 'src/routes'),
	segments: string[] = [],
	found = new Map<string, string>()
) {
	found.set('/' + segments.filter((s) => !/^\(.*\)$/.test(s)).join('/'), dir);
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.isDirectory()) routeDirectories(path.join(dir, entry.name), [...segments, entry.name], found);
	}
	return found;
}

/** Whether an endpoint answers GET (a +server.ts may only take POST). */
function answersGet(dir: string): boolean {
	const file = path.join(dir, '+server.ts');
	return (
		existsSync(file) && /export\s+(const|async function|function)\s+GET\b/.test(readFileSync(file, 'utf8'))
	);
}

async function prepareFixture(): Promise<Fixture> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		const one = async (text: string, params: unknown[] = []) => {
			const { rows } = await client.query(text, params);
			if (!rows[0])
				throw new Error(`The scale database has no row for: ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
			return rows[0];
		};
		const voting = await one(`SELECT id, slug, join_code, owner_id FROM events WHERE slug = 'scale-voting'`);
		const closed = await one(`SELECT id, slug, owner_id FROM events WHERE slug = 'scale-closed'`);
		// The voter with the most events: their lists (/events, /projects) are the longest.
		const attendee = await one(
			`SELECT a.user_id FROM event_attendees a
			 WHERE a.event_id = $1 AND a.ballot_saved_at IS NOT NULL
			 ORDER BY (SELECT count(*) FROM event_attendees b WHERE b.user_id = a.user_id) DESC, a.user_id LIMIT 1`,
			[voting.id]
		);
		const closedVoter = await one(
			`SELECT user_id FROM event_attendees WHERE event_id = $1 AND ballot_saved_at IS NOT NULL ORDER BY user_id LIMIT 1`,
			[closed.id]
		);
		const project = await one(
			`SELECT p.id, p.join_code, p.owner_id FROM projects p
			 WHERE p.event_id = $1 AND p.owner_id <> $2
				AND NOT EXISTS (SELECT 1 FROM project_collaborators c WHERE c.project_id = p.id AND c.user_id = $2)
			 ORDER BY (SELECT count(*) FROM votes v WHERE v.project_id = p.id) DESC, p.id LIMIT 1`,
			[voting.id, attendee.user_id]
		);
		const outsider = await one(
			`SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM event_attendees a WHERE a.event_id = $1 AND a.user_id = u.id)
			 AND u.id <> $2 ORDER BY u.id LIMIT 1`,
			[voting.id, voting.owner_id]
		);
		const submitter = await one(
			`SELECT e.slug, a.user_id FROM events e JOIN event_attendees a ON a.event_id = e.id
			 WHERE e.phase = 'submission' AND e.deleted_at IS NULL
				AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.event_id = e.id AND p.owner_id = a.user_id)
				AND NOT EXISTS (SELECT 1 FROM project_collaborators c JOIN projects p ON p.id = c.project_id
					WHERE p.event_id = e.id AND c.user_id = a.user_id)
			 ORDER BY (SELECT count(*) FROM projects p WHERE p.event_id = e.id) DESC, e.id, a.user_id LIMIT 1`
		);
		const admin = await one(
			`SELECT id FROM users WHERE platform_admin_since IS NOT NULL ORDER BY id LIMIT 1`
		);
		const busiest = await one(
			`SELECT user_id FROM event_attendees GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`
		);
		// Someone signed in for the first time, who has not filled in the profile yet.
		const newcomer = await one(
			`INSERT INTO users (email) VALUES ('bench-newcomer@scale.example')
			 ON CONFLICT (email) DO UPDATE SET first_name = '', profile_completed_at = NULL RETURNING id`
		);
		const people: Record<Exclude<Persona, 'anonymous'>, string> = {
			attendee: attendee.user_id,
			closedVoter: closedVoter.user_id,
			outsider: outsider.id,
			submitter: submitter.user_id,
			projectOwner: project.owner_id,
			owner: closed.owner_id,
			admin: admin.id,
			newcomer: newcomer.id
		};
		const tokens = Object.fromEntries(
			Object.keys(people).map((p) => [p, generateToken()])
		) as Fixture['tokens'];
		await client.query(
			`INSERT INTO sessions (id, user_id, expires_at) SELECT unnest($1::text[]), unnest($2::uuid[]), now() + interval '1 day'`,
			[Object.values(tokens).map(hashToken), Object.keys(tokens).map((p) => people[p as keyof typeof people])]
		);
		return {
			votingSlug: voting.slug,
			votingJoinCode: voting.join_code,
			closedSlug: closed.slug,
			closedEventId: closed.id,
			submissionSlug: submitter.slug,
			projectId: project.id,
			projectJoinCode: project.join_code,
			busiestPersonId: busiest.user_id,
			tokens,
			userIds: Object.values(people)
		};
	} finally {
		await client.end();
	}
}

async function forgetSessions(fixture: Fixture) {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	await client.query(`DELETE FROM sessions WHERE id = ANY($1::text[])`, [
		Object.values(fixture.tokens).map(hashToken)
	]);
	await client.end();
}

/**
 * The app's own memory figures in MB, from its /metrics (prom-client's defaults): what V8's heap holds
 * and what lives outside it (buffers, strings handed to C++), to tell a leak from memory the process
 * keeps after a burst.
 */
async function heapMegabytes(origin: string, token: string): Promise<Record<string, number>> {
	const text = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then((r) =>
		r.text()
	);
	const read = (name: string) => {
		const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
		return value === undefined ? NaN : Math.round(Number(value) / 1024 / 1024);
	};
	return {
		heapUsed: read('nodejs_heap_size_used_bytes'),
		heapTotal: read('nodejs_heap_size_total_bytes'),
		external: read('nodejs_external_memory_bytes')
	};
}

/** Resident memory of a process in MB, from /proc (the app is one process: WEB_CONCURRENCY=1). */
function rssMegabytes(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
	return line ? Math.round(Number(line[1]) / 1024) : NaN;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The votes download 50 times at once (after 3 one at a time) on the app, its memory sampled every
 * 20 ms: where it was, its peak during the burst, right after and after the pause.
 */
async function measureDownloadBurst(pid: number, url: string, token: string) {
	const headers = { accept: '*/*', cookie: `podium_session=${token}` };
	for (let i = 0; i < WARM_UPS; i++) await get(url, headers);
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	const before = rssMegabytes(pid);
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, rssMegabytes(pid))), 20);
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const started = performance.now();
	const answers = await Promise.all(Array.from({ length: concurrency }, () => get(url, headers, agent)));
	const seconds = (performance.now() - started) / 1000;
	clearInterval(sampler);
	agent.destroy();
	const after = rssMegabytes(pid);
	await new Promise((resolve) => setTimeout(resolve, Number(values.pause) * 1000));
	const afterPause = rssMegabytes(pid);
	const statuses: Record<string, number> = {};
	for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
	return {
		url,
		downloads: concurrency,
		megabytesEach: answers[0].bytes / 1024 / 1024,
		seconds,
		statuses,
		memory: { before, peak, after, afterPause },
		targets: {
			burst: peak - before < TARGET.burstMegabytes,
			returns: afterPause - before < TARGET.keptMegabytes
		}
	};
}

interface Measured {
	route: string;
	url: string;
	as: Persona;
	statuses: Record<string, number>;
	errors: number;
	bytes: number;
	p50: number;
	p95: number;
	perSecond: number;
	targets: { p95: boolean; perSecond: boolean; size: boolean | null };
}

async function measure(route: RouteInfo, url: string, as: Persona, fixture: Fixture): Promise<Measured> {
	const headers: Record<string, string> = { accept: route.page ? 'text/html' : '*/*' };
	if (as !== 'anonymous') headers.cookie = `podium_session=${fixture.tokens[as]}`;
	const statuses: Record<string, number> = {};
	let bytes = 0;
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const once = async () => {
		const started = performance.now();
		try {
			const response = await get(url, headers, agent);
			statuses[response.status] = (statuses[response.status] ?? 0) + 1;
			bytes = response.bytes;
		} catch (error) {
			statuses[(error as Error).message] = (statuses[(error as Error).message] ?? 0) + 1;
		}
		return performance.now() - started;
	};
	for (let i = 0; i < WARM_UPS; i++) await once();
	for (const key of Object.keys(statuses)) delete statuses[key];
	const latencies: number[] = [];
	for (let i = 0; i < sequential; i++) latencies.push(await once());
	latencies.sort((a, b) => a - b);
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: Math.min(concurrency, concurrentRequests) }, async () => {
			while (next++ < concurrentRequests) await once();
		})
	);
	const perSecond = concurrentRequests / ((performance.now() - started) / 1000);
	agent.destroy();
	const p50 = percentile(latencies, 50);
	const p95 = percentile(latencies, 95);
	const errors = Object.entries(statuses).reduce((sum, [status, n]) => sum + (status === '200' ? 0 : n), 0);
	return {
		route: route.id,
		url,
		as,
		statuses,
		errors,
		bytes,
		p50: Math.round(p50),
		p95: Math.round(p95),
		perSecond: Math.round(perSecond),
		targets: {
			p95: p95 < TARGET.p95,
			perSecond: perSecond >= TARGET.perSecond,
			size: SIZE_LIMITED.has(route.id) ? bytes < TARGET.kilobytes * 1024 : null
		}
	};
}

function printTable(results: Measured[]) {
	const mark = (ok: boolean | null) => (ok === null ? '' : ok ? 'MET' : 'MISSED');
	const rows = [
		['route', 'as', 'status', 'KB', 'p50 ms', 'p95 ms', 'req/s', 'p95<300', '≥50/s', '<150KB'],
		...results.map((r) => [
			r.route,
			r.as,
			Object.entries(r.statuses)
				.map(([s, n]) => (n === sequential + concurrentRequests ? s : `${s}×${n}`))
				.join(' '),
			(r.bytes / 1024).toFixed(1),
			String(r.p50),
			String(r.p95),
			String(r.perSecond),
			mark(r.targets.p95),
			mark(r.targets.perSecond),
			mark(r.targets.size)
		])
	];
	const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
	for (const row of rows)
		console.log(
			row
				.map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
				.join('  ')
		);
}

async function main() {
	const sizes = sizesFromOptions(values);
	const load = () =>
		loadavg()
			.map((l) => l.toFixed(1))
			.join(' ');
	log(`load average at the start: ${load()}`);
	const seed = await prepareScaleDatabase({
		url: databaseUrl,
		sizes,
		reuse: values.reuse,
		log: (l) => log(`seed: ${l}`)
	});
	log(`database ${seed.reused ? 'reused' : `seeded in ${seed.seconds} s`}: ${JSON.stringify(seed.counts)}`);
	const fixture = await prepareFixture();
	const directories = routeDirectories();
	// --only /admin measures every route under /admin; --only '/admin$' that route alone.
	const only = values.only?.endsWith('$') ? (id: string) => id === values.only!.slice(0, -1) : undefined;
	const routes = discoverRoutes().filter(
		(r) => (r.page || r.endpoint) && (!values.only || (only ? only(r.id) : r.id.startsWith(values.only)))
	);
	const metricsToken = randomBytes(16).toString('hex');
	const { app, output } = await startBuiltApp({ databaseUrl: databaseUrl, port, log, metricsToken });
	const heap: Record<string, Record<string, number>> = {};
	const results: Measured[] = [];
	const skipped: { route: string; reason: string }[] = [];
	const memory: Record<string, number> = {};
	let burst: Awaited<ReturnType<typeof measureDownloadBurst>> | undefined;
	try {
		if (values.burst && (!values.only || '/events/[slug]/admin/results/votes.csv'.startsWith(values.only))) {
			burst = await measureDownloadBurst(
				app.pid!,
				`/events/${fixture.closedSlug}/admin/results/votes.csv`,
				fixture.tokens.owner
			);
			const { before, peak, after, afterPause } = burst.memory;
			log(
				`votes.csv (${burst.megabytesEach.toFixed(1)} MB) ${burst.downloads} at once in ${burst.seconds.toFixed(1)} s, ${JSON.stringify(burst.statuses)}: ` +
					`RSS ${before} MB before, ${peak} MB at the peak (+${peak - before}), ${after} MB after, ${afterPause} MB after ${values.pause} s idle`
			);
		}
		memory.before = rssMegabytes(app.pid!);
		heap.before = await heapMegabytes(origin, metricsToken);
		for (const route of routes) {
			if (!route.page && !answersGet(directories.get(route.id) ?? '')) {
				skipped.push({ route: route.id, reason: 'its endpoint answers no GET' });
				continue;
			}
			const plan = requestFor(route, fixture);
			if ('skip' in plan) {
				skipped.push({ route: route.id, reason: plan.skip });
				continue;
			}
			const result = await measure(route, plan.url, plan.as, fixture);
			log(
				`${route.id} as ${result.as}: p50 ${result.p50} ms, p95 ${result.p95} ms, ${result.perSecond}/s, ${(result.bytes / 1024).toFixed(1)} KB, ${JSON.stringify(result.statuses)}`
			);
			results.push(result);
		}
		memory.after = rssMegabytes(app.pid!);
		heap.after = await heapMegabytes(origin, metricsToken);
		await new Promise((resolve) => setTimeout(resolve, Number(values.pause) * 1000));
		memory.afterPause = rssMegabytes(app.pid!);
		heap.afterPause = await heapMegabytes(origin, metricsToken);
	} finally {
		app.kill('SIGTERM');
		await new Promise((resolve) => app.once('exit', resolve));
		await forgetSessions(fixture);
	}
	console.log('');
	printTable(results);
	for (const s of skipped) log(`skipped ${s.route}: ${s.reason}`);
	log(
		`app memory (RSS): ${memory.before} MB before, ${memory.after} MB after, ${memory.afterPause} MB after ${values.pause} s idle`
	);
	for (const [when, figures] of Object.entries(heap))
		log(
			`app heap ${when}: ${figures.heapUsed} MB used of ${figures.heapTotal} MB, ${figures.external} MB outside the heap`
		);
	if (burst) {
		const mark = (ok: boolean) => (ok ? 'MET   ' : 'MISSED');
		const { before, peak, afterPause } = burst.memory;
		log(
			`${mark(burst.targets.burst)} votes.csv ${burst.downloads} at once add < ${TARGET.burstMegabytes} MB (+${peak - before} MB)`
		);
		log(
			`${mark(burst.targets.returns)} the memory comes back within ${TARGET.keptMegabytes} MB after ${values.pause} s (+${afterPause - before} MB)`
		);
	}
	log(`load average at the end: ${load()}`);
	const errors = results.filter((r) => r.errors > 0);
	for (const r of errors) log(`ERROR ${r.route} (${r.url} as ${r.as}): ${JSON.stringify(r.statuses)}`);
	if (values.json) {
		writeFileSync(
			values.json,
			JSON.stringify(
				{
					date: new Date().toISOString(),
					loadAverage: loadavg(),
					seed,
					memory,
					heap,
					burst,
					targets: TARGET,
					results,
					skipped
				},
				null,
				'\t'
			)
		);
		log(`wrote ${values.json}`);
	}
	const burstFailed = burst !== undefined && Object.keys(burst.statuses).some((status) => status !== '200');
	if (burstFailed) log(`ERROR votes.csv burst: ${JSON.stringify(burst?.statuses)}`);
	const failed = errors.length > 0 || burstFailed;
	if (failed) console.error(output().split('\n').slice(-30).join('\n'));
	process.exit(failed ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
