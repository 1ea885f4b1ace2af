// `npm run bench:results [-- --reuse] [--runs 7]`: issue 15's honest uncertainty, timed at 2,000 voters
// and 500 projects. Makes (or, with --reuse, keeps) a PostgreSQL database with one closed event of that
// size, seeded in SQL (generate_series; a few projects carry legacy points; popularity is skewed, so
// there is a clear winner and close calls further down), then times:
//   1. the computation itself (src/lib/server/results/uncertainty.ts): cold (cache emptied: load the
//      ballots, 2,000 resamples, ties, margin), cached (load and compare the ballots, no recompute) and
//      cached within the public leaderboard's second (no query);
//   2. the built app's pages over HTTP: the owner's results page after a change of the event's data (so
//      it recomputes) and unchanged, and the public leaderboard with intervals (signed out, past the
//      response cache).
// Medians of --runs (7) runs for the cold figures and of 20 for the others. See BENCHMARKS.md.
//
// Environment: BENCH_RESULTS_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/podium_results_bench;
// DROPPED and created again unless --reuse finds this seed in it; its user must be a superuser: the load
// skips the vote triggers), BENCH_PORT (default 4340).

import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { generateToken, hashToken } from '../src/lib/server/auth/tokens.ts';
import { cpuSecondsOf } from './process-cpu.ts';
import { startBuiltApp } from './scale/app.ts';
import { commandLine } from './command-line.ts';

const { values } = commandLine(import.meta.url, {
	reuse: { type: 'boolean', default: false },
	runs: { type: 'string', default: '7' },
	voters: { type: 'string', default: '2000' },
	projects: { type: 'string', default: '500' }
});
const root = path.resolve(import.meta.dirname, '..');
const url =
	process.env.BENCH_RESULTS_DATABASE_URL?.trim() ||
	'postgresql://postgres@127.0.0.1:5432/podium_results_bench';
const port = Number(process.env.BENCH_PORT) || 4340;
const origin = `http://127.0.0.1:${port}`;
const runs = Number(values.runs);
const VOTERS = Number(values.voters);
const PROJECTS = Number(values.projects);
const SLUG = 'results-bench';
const TARGET_MS = 500;

function log(line: string) {
	console.log(`[bench] ${line}`);
}

function median(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** The bench event's id when the database holds it at these sizes. */
async function findSeededEvent(): Promise<string | null> {
	try {
		return await withClient(url, async (client) => {
			const { rows } = await client.query(
				`SELECT e.id, (SELECT count(*)::int FROM projects p WHERE p.event_id = e.id) AS projects,
					(SELECT count(DISTINCT voter_id)::int FROM votes v WHERE v.event_id = e.id) AS voters
				 FROM events e WHERE e.slug = $1`,
				[SLUG]
			);
			const row = rows[0];
			return row && row.projects === PROJECTS && row.voters === VOTERS ? (row.id as string) : null;
		});
	} catch (error) {
		if ((error as { code?: string }).code === '3D000' || (error as { code?: string }).code === '42P01')
			return null;
		throw error;
	}
}

/** Drops, creates, migrates (as an operator would) and loads the bench database; returns the event id. */
async function seed(): Promise<string> {
	const name = decodeURIComponent(new URL(url).pathname.slice(1));
	if (!/^[\w-]+$/.test(name)) throw new Error(`Unexpected database name: ${name}`);
	const admin = new URL(url);
	admin.pathname = '/postgres';
	await withClient(admin.toString(), async (client) => {
		await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		await client.query(`CREATE DATABASE "${name}"`);
	});
	const migrate = spawnSync('npx', ['prisma', 'migrate', 'deploy'], {
		cwd: root,
		env: { ...process.env, DATABASE_URL: url },
		encoding: 'utf8'
	});
	if (migrate.status !== 0)
		throw new Error(`prisma migrate deploy failed:\n${migrate.stdout}${migrate.stderr}`);
	return withClient(url, async (client) => {
		await client.query('BEGIN');
		// The ballot rules are the app's (and its triggers'); this load writes valid ballots directly.
		await client.query(`SET LOCAL session_replication_role = replica`);
		// Person n (1 .. voters) is a voter; persons 1 .. projects also own project n. Person 0 owns the event.
		const person = (n: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
		const project = (n: string) => `('00000000-0000-4000-9000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
		const event = '00000000-0000-4000-a000-000000000001';
		await client.query(
			`INSERT INTO users (id, email, first_name, last_name, display_name, profile_completed_at)
			 SELECT ${person('n')}, 'person' || n || '@results-bench.example', 'Person', 'N' || n, 'Person ' || n, now()
			 FROM generate_series(0, ${VOTERS}) AS n`
		);
		await client.query(
			`INSERT INTO events (id, name, slug, join_code, owner_id, phase)
			 VALUES ('${event}', 'Results bench', '${SLUG}', 'RBENCH', ${person('0')}, 'closed')`
		);
		await client.query(
			`INSERT INTO event_attendees (event_id, user_id) SELECT '${event}', ${person('n')} FROM generate_series(1, ${VOTERS}) AS n`
		);
		await client.query(
			`INSERT INTO projects (id, name, description, hours_spent, join_code, owner_id, event_id, legacy_points)
			 SELECT ${project('n')}, 'Project ' || n, 'Built at the bench.', 10, 'RB' || lpad(n::text, 6, '0'),
				${person('n')}, '${event}', CASE WHEN n % 50 = 7 THEN n % 13 ELSE 0 END
			 FROM generate_series(1, ${PROJECTS}) AS n`
		);
		// Three distinct picks per voter, never their own project, drawn with a skew towards low numbers.
		await client.query(`SELECT setseed(0.42)`);
		await client.query(
			`INSERT INTO votes (voter_id, project_id, event_id)
			 SELECT ${person('n')}, ${project('p')}, '${event}'
			 FROM (
				SELECT n, p, row_number() OVER (PARTITION BY n ORDER BY min(k)) AS r
				FROM (
					SELECT n, k, 1 + floor(${PROJECTS} * power(random(), 2))::int AS p
					FROM generate_series(1, ${VOTERS}) AS n, generate_series(1, 12) AS k
				) AS draws
				WHERE p <> n
				GROUP BY n, p
			 ) AS picks
			 WHERE r <= 3`
		);
		await client.query('COMMIT');
		await client.query('ANALYZE');
		return event;
	});
}

function get(pathname: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${origin}${pathname}`,
			{ headers: { accept: 'text/html', ...headers } },
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end();
	});
}

/** CPU time (user + system, ms) used so far by this process. */
function ownCpu(): number {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1000;
}

/** CPU time (ms) used so far by another process, from /proc. */
function cpuOf(pid: number): () => number {
	return () => cpuSecondsOf(pid) * 1000;
}

/**
 * Median wall time of `count` calls of `work`, each after `before` (untimed), and the mean CPU time
 * that `cpu` (a process's clock) spent per call: on a shared machine the wall time says how long a
 * person waits now, the CPU time what the work costs.
 */
async function time(
	count: number,
	cpu: () => number,
	work: () => Promise<unknown>,
	before?: () => Promise<unknown>
) {
	const samples: number[] = [];
	let spent = 0;
	for (let i = 0; i < count; i++) {
		await before?.();
		const cpuBefore = cpu();
		const started = performance.now();
		await work();
		samples.push(performance.now() - started);
		spent += cpu() - cpuBefore;
	}
	return { wall: median(samples), cpu: spent / count };
}

const figures = (t: { wall: number; cpu: number }, count: number) =>
	`${ms(t.wall)} wall (median of ${count}), ${ms(t.cpu)} CPU (mean)`;

log(`load average (1 min) at the start: ${loadavg()[0].toFixed(1)} on this machine`);
let eventId = values.reuse ? await findSeededEvent() : null;
if (eventId) log(`reusing ${url.replace(/\/\/[^@]*@/, '//')}`);
else {
	const started = performance.now();
	eventId = await seed();
	log(`seeded ${url.replace(/\/\/[^@]*@/, '//')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const counts = await withClient(url, async (client) => {
	const { rows } = await client.query(
		`SELECT count(*)::int AS votes, count(DISTINCT voter_id)::int AS voters FROM votes WHERE event_id = $1`,
		[eventId]
	);
	return rows[0] as { votes: number; voters: number };
});
log(`event: ${PROJECTS} projects, ${counts.voters} ballots, ${counts.votes} votes`);

// 1. The computation, in this process.
process.env.DATABASE_URL = url;
const { getResultsUncertainty, forgetResultsUncertainty } =
	await import('../src/lib/server/results/uncertainty.ts');
const { closeDatabase } = await import('../src/lib/server/db.ts');
const id = eventId;
const answer = await getResultsUncertainty(id); // also warms the connection and the JIT
const winner = Object.entries(answer.intervals).find(([, interval]) => interval.low === 1);
log(
	`answer: margin ${JSON.stringify(answer.margin.kind === 'margin' ? answer.margin.ballots : answer.margin.kind)}, ` +
		`a 1st: ${winner?.[1].words}, tied rows: ${Object.values(answer.intervals).filter((i) => i.tied).length}`
);
const cold = await time(
	runs,
	ownCpu,
	() => getResultsUncertainty(id),
	async () => forgetResultsUncertainty()
);
const checked = await time(20, ownCpu, () => getResultsUncertainty(id));
const withinSecond = await time(20, ownCpu, () => getResultsUncertainty(id, { maxAgeMs: 60_000 }));
log(`computation cold (load + 2,000 resamples + margin): ${figures(cold, runs)}`);
log(`computation cached, data checked (one query):       ${figures(checked, 20)}`);
log(`computation cached within the public second:       ${figures(withinSecond, 20)}`);
await closeDatabase();

// 2. The pages, over HTTP, on the built app.
const token = generateToken();
await withClient(url, (client) =>
	client.query(
		`INSERT INTO sessions (id, user_id, expires_at)
		 SELECT $1, owner_id, now() + interval '1 hour' FROM events WHERE id = $2`,
		[hashToken(token), id]
	)
);
const { app } = await startBuiltApp({ databaseUrl: url, port, log });
try {
	const owner = { cookie: `podium_session=${token}` };
	const results = `/events/${SLUG}/admin/results`;
	const first = await get(results, owner);
	const full = await get(`${results}?places=all`, owner);
	const rows = full.body.match(/data-testid="uncertainty-row"/g)?.length ?? 0;
	if (first.status !== 200 || full.status !== 200 || rows !== PROJECTS)
		throw new Error(`${results}: ${first.status}, ${rows} rows of intervals`);
	let flip = 0;
	// A change of the event's data (one project's legacy points, up and down again) makes the next view recompute.
	const change = () =>
		withClient(url, (client) =>
			client.query(
				`UPDATE projects SET legacy_points = legacy_points + $1 WHERE event_id = $2 AND name = 'Project 400'`,
				[flip++ % 2 === 0 ? 1 : -1, id]
			)
		);
	const appCpu = cpuOf(app.pid ?? 0);
	const pageCold = await time(runs, appCpu, () => get(results, owner), change);
	const pageWarm = await time(20, appCpu, () => get(results, owner));
	const all = await time(runs, appCpu, () => get(`${results}?places=all`, owner));
	let n = 0;
	const board = await time(20, appCpu, () => get(`/events/${SLUG}/leaderboard?view=${n++}`, {}));
	log(`owner's results page after a change (recomputes):   ${figures(pageCold, runs)}`);
	log(`owner's results page, unchanged data:               ${figures(pageWarm, 20)}`);
	log(`owner's results page, all ${PROJECTS} intervals:           ${figures(all, runs)}`);
	log(`public leaderboard with intervals (signed out):     ${figures(board, 20)}`);
	log(
		`page sizes: results ${Math.round(first.body.length / 1024)} KB, ` +
			`with all intervals ${Math.round(full.body.length / 1024)} KB`
	);
	log(
		`target < ${TARGET_MS} ms for the results page with intervals: ` +
			`${pageCold.wall < TARGET_MS ? 'met' : 'MISSED'} in wall time, ${pageCold.cpu < TARGET_MS ? 'met' : 'MISSED'} in CPU time ` +
			`(cold: ${(pageCold.wall / TARGET_MS).toFixed(2)} and ${(pageCold.cpu / TARGET_MS).toFixed(2)} of it)`
	);
} finally {
	app.kill();
	log(`load average (1 min) at the end: ${loadavg()[0].toFixed(1)} on this machine`);
	await withClient(url, (client) => client.query(`DELETE FROM sessions WHERE id = $1`, [hashToken(token)]));
}
