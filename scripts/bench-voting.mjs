#!/usr/bin/env node
// `npm run bench:voting`: the end-of-event rush, measured. Starts the built app (`npm start`) on a
// fresh PostgreSQL database, signs in 1,000 attendees of an event with 60 projects, has every one of
// them send a ballot over HTTP the way a browser does (100 in flight at a time), checks that the
// database holds exactly the accepted votes, then closes voting and measures the public leaderboard
// with 100 concurrent viewers. See BENCHMARKS.md for the figures and what they mean.
//
// Settings (environment):
//   BENCH_DATABASE_URL   database to (re)create and use; default postgresql://postgres@127.0.0.1:5432/podium_bench
//                        (it is DROPPED and created again: never point it at data you keep)
//   BENCH_PORT           port of the app under test; default 4319
//   BENCH_VOTERS         attendees who vote; default 1000
//   BENCH_PROJECTS       projects in the event; default 60
//   BENCH_CONCURRENCY    requests in flight at a time; default 100
//   BENCH_LEADERBOARD_REQUESTS  leaderboard page views; default 5000
//   BENCH_WARMUP_VOTERS  attendees of a separate warm-up event whose ballots go first, uncounted; default 300
//   WEB_CONCURRENCY      app processes (scripts/serve.mjs); default 1, the best on a 2-core machine
//   DATABASE_POOL_SIZE   passed on to the app (its connection pool); the app's default when unset
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateToken, hashToken } from '../src/lib/server/auth/tokens.ts';

const root = path.resolve(import.meta.dirname, '..');
const env = process.env;
const databaseUrl = env.BENCH_DATABASE_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/podium_bench';
const port = Number(env.BENCH_PORT) || 4319;
const voters = Number(env.BENCH_VOTERS) || 1000;
const projectCount = Number(env.BENCH_PROJECTS) || 60;
const concurrency = Number(env.BENCH_CONCURRENCY) || 100;
const leaderboardRequests = Number(env.BENCH_LEADERBOARD_REQUESTS) || 5000;
const warmupVoters = Number(env.BENCH_WARMUP_VOTERS) || 300;
const origin = `http://127.0.0.1:${port}`;
const slug = 'bench-rush';
// A light HTTP client with kept-alive connections, like a browser's: the load generator shares the
// machine's two cores with the app and PostgreSQL, so it should spend as little of them as it can.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

/** One HTTP request to the app; resolves to its status and body. */
function request(pathname, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(`${origin}${pathname}`, { method, headers, agent }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

function log(message) {
	console.log(`[bench] ${message}`);
}

async function withClient(url, fn) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** Drops and creates the benchmark database, then migrates it as an operator would. */
async function prepareDatabase() {
	const url = new URL(databaseUrl);
	const name = decodeURIComponent(url.pathname.slice(1));
	if (!/^[\w-]+$/.test(name)) throw new Error(`Unexpected database name in BENCH_DATABASE_URL: ${name}`);
	const admin = new URL(databaseUrl);
	admin.pathname = '/postgres';
	await withClient(admin.toString(), async (client) => {
		await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		await client.query(`CREATE DATABASE "${name}"`);
	});
	const migrate = spawnSync(path.join(root, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
		cwd: root,
		env: { ...env, DATABASE_URL: databaseUrl },
		encoding: 'utf8'
	});
	if (migrate.status !== 0)
		throw new Error(`prisma migrate deploy failed:\n${migrate.stdout}${migrate.stderr}`);
}

/** An event, its attendees with signed-in sessions, and the projects (each owned by an attendee). */
async function seed({ slug, voters, projectCount, prefix }) {
	return withClient(databaseUrl, async (client) => {
		const ownerId = randomUUID();
		const eventId = randomUUID();
		const people = Array.from({ length: voters }, (_, i) => ({
			id: randomUUID(),
			email: `${prefix}-${i}@bench.test`,
			token: generateToken(),
			device: randomUUID()
		}));
		await client.query('BEGIN');
		await client.query(
			`INSERT INTO users (id, email, first_name, display_name, profile_completed_at)
			 SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
			[
				[ownerId, ...people.map((p) => p.id)],
				[`${prefix}-owner@bench.test`, ...people.map((p) => p.email)],
				['Owner', ...people.map((_, i) => `Voter${i}`)],
				['Owner', ...people.map((_, i) => `Voter ${i}`)],
				Array(voters + 1).fill(new Date())
			]
		);
		await client.query(
			`INSERT INTO events (id, name, slug, join_code, owner_id, phase) VALUES ($1, $2, $2, upper($4), $3, 'submission')`,
			[eventId, slug, ownerId, prefix]
		);
		await client.query(`INSERT INTO event_attendees (event_id, user_id) SELECT $1, unnest($2::uuid[])`, [
			eventId,
			people.map((p) => p.id)
		]);
		const projects = Array.from({ length: projectCount }, (_, i) => ({
			id: randomUUID(),
			ownerId: people[i % voters].id,
			name: `Project ${String(i + 1).padStart(2, '0')}`,
			joinCode: `${prefix}${String(i).padStart(4, '0')}`.toUpperCase()
		}));
		await client.query(
			`INSERT INTO projects (id, name, description, repo_url, demo_url, image_url, join_code, owner_id, event_id)
			 SELECT p.id, p.name, 'A project built during the benchmark rush.', 'https://example.test/repo',
				'https://example.test/demo', 'https://example.test/image.png', p.code, p.owner, $1
			 FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[]) AS p(id, name, code, owner)`,
			[
				eventId,
				projects.map((p) => p.id),
				projects.map((p) => p.name),
				projects.map((p) => p.joinCode),
				projects.map((p) => p.ownerId)
			]
		);
		await client.query(`UPDATE events SET phase = 'voting' WHERE id = $1`, [eventId]);
		await client.query(
			`INSERT INTO sessions (id, user_id, expires_at) SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[])`,
			[
				people.map((p) => hashToken(p.token)),
				people.map((p) => p.id),
				Array(voters).fill(new Date(Date.now() + 29 * 24 * 3600 * 1000))
			]
		);
		await client.query('COMMIT');
		return { eventId, people, projects };
	});
}

/** Starts `node build` on the benchmark database and waits until it answers. */
async function startServer() {
	if (!existsSync(path.join(root, 'build', 'index.js'))) {
		log('build/ is missing: running npm run build');
		const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
		if (built.status !== 0) throw new Error('npm run build failed');
	}
	const server = spawn(process.execPath, ['scripts/serve.mjs'], {
		cwd: root,
		env: {
			...env,
			DATABASE_URL: databaseUrl,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			MAIL_TRANSPORT: env.MAIL_TRANSPORT ?? 'outbox',
			WEB_CONCURRENCY: env.WEB_CONCURRENCY ?? '1'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	server.stdout.on('data', (chunk) => (output += chunk));
	server.stderr.on('data', (chunk) => (output += chunk));
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (server.exitCode !== null) throw new Error(`The app exited:\n${output}`);
		try {
			if ((await fetch(`${origin}/health`)).ok) return { server, output: () => output };
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	server.kill();
	throw new Error(`The app did not answer on ${origin} within 30 s:\n${output}`);
}

/** Runs `tasks` with `limit` in flight at a time; returns each one's latency and result. */
async function runPool(tasks, limit) {
	const results = new Array(tasks.length);
	let next = 0;
	const started = performance.now();
	async function worker() {
		while (next < tasks.length) {
			const index = next++;
			const t0 = performance.now();
			let outcome;
			try {
				outcome = await tasks[index]();
			} catch (error) {
				outcome = { ok: false, detail: String(error) };
			}
			results[index] = { ...outcome, ms: performance.now() - t0 };
		}
	}
	await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
	return { results, seconds: (performance.now() - started) / 1000 };
}

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(name, { results, seconds }) {
	const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
	const errors = results.filter((r) => !r.ok);
	const summary = {
		name,
		requests: results.length,
		seconds: Number(seconds.toFixed(2)),
		perSecond: Math.round(results.length / seconds),
		p50: Number(percentile(latencies, 50).toFixed(1)),
		p95: Number(percentile(latencies, 95).toFixed(1)),
		p99: Number(percentile(latencies, 99).toFixed(1)),
		errors: errors.length
	};
	log(
		`${name}: ${summary.requests} in ${summary.seconds} s = ${summary.perSecond}/s; ` +
			`latency p50 ${summary.p50} ms, p95 ${summary.p95} ms, p99 ${summary.p99} ms; errors ${summary.errors}`
	);
	for (const error of errors.slice(0, 5)) log(`  error: ${error.detail}`);
	return summary;
}

/** Three distinct projects, none the voter's own, for each voter. */
function chooseBallots(people, projects) {
	return people.map((person) => {
		const eligible = projects.filter((p) => p.ownerId !== person.id);
		const picks = new Set();
		while (picks.size < 3) picks.add(eligible[Math.floor(Math.random() * eligible.length)].id);
		return { person, picks: [...picks] };
	});
}

/**
 * What the ballot page sends (src/lib/ballot/outbox.svelte.ts, as `use:enhance` would, plus the ballot's
 * stamp: a device id, a sequence number and a key), and how it reads the answer.
 */
async function sendBallot({ person, picks }, eventSlug = slug) {
	const stamp = [
		['device', person.device],
		['seq', '1'],
		['key', randomUUID()]
	];
	const body = new URLSearchParams([...picks.map((id) => ['project', id]), ...stamp]).toString();
	const response = await request(`/events/${eventSlug}/vote`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'content-length': Buffer.byteLength(body),
			accept: 'application/json',
			origin,
			'x-sveltekit-action': 'true',
			cookie: `podium_session=${person.token}`
		},
		body
	});
	const { text } = response;
	let result;
	try {
		result = JSON.parse(text);
	} catch {
		return { ok: false, detail: `HTTP ${response.status}: ${text.slice(0, 200)}` };
	}
	if (response.status === 200 && result.type === 'success') return { ok: true };
	return { ok: false, detail: `HTTP ${response.status}: ${text.slice(0, 200)}` };
}

async function viewLeaderboard() {
	const response = await request(`/events/${slug}/leaderboard`);
	const html = response.text;
	if (response.status !== 200 || !html.includes('Project ')) {
		return { ok: false, detail: `HTTP ${response.status}: ${html.slice(0, 200)}` };
	}
	return { ok: true };
}

async function main() {
	log(`database ${databaseUrl.replace(/\/\/[^@]*@/, '//')} (dropped and created again)`);
	await prepareDatabase();
	const { eventId, people, projects } = await seed({ slug, voters, projectCount, prefix: 'voter' });
	// A second event only for warming up: a server that has run all day has its code compiled and its
	// database connections open and planned. Its ballots are not counted or checked below.
	const warmup = await seed({ slug: 'bench-warmup', voters: warmupVoters, projectCount: 20, prefix: 'warm' });
	log(`seeded ${people.length} signed-in attendees and ${projects.length} projects`);
	const { server, output } = await startServer();
	let failed = false;
	try {
		const warm = await runPool(
			chooseBallots(warmup.people, warmup.projects).map((ballot) => () => sendBallot(ballot, 'bench-warmup')),
			concurrency
		);
		log(`warm-up: ${warm.results.filter((r) => r.ok).length} ballots in another event, not counted`);

		const ballots = chooseBallots(people, projects);
		const run = await runPool(
			ballots.map((ballot) => () => sendBallot(ballot)),
			concurrency
		);
		const ballotSummary = summarise(`ballots (${concurrency} in flight)`, run);

		const accepted = new Set();
		ballots.forEach((ballot, i) => {
			if (run.results[i].ok) for (const id of ballot.picks) accepted.add(`${ballot.person.id}:${id}`);
		});
		const stored = await withClient(databaseUrl, async (client) => {
			const { rows } = await client.query('SELECT voter_id, project_id FROM votes WHERE event_id = $1', [
				eventId
			]);
			return rows.map((r) => `${r.voter_id}:${r.project_id}`);
		});
		const storedSet = new Set(stored);
		const lost = [...accepted].filter((key) => !storedSet.has(key)).length;
		const extra = stored.filter((key) => !accepted.has(key)).length + (stored.length - storedSet.size);
		log(`votes: ${accepted.size} accepted, ${stored.length} in the database; lost ${lost}, extra ${extra}`);

		await withClient(databaseUrl, (client) =>
			client.query(`UPDATE events SET phase = 'closed' WHERE id = $1`, [eventId])
		);
		await runPool(
			Array.from({ length: 200 }, () => viewLeaderboard),
			concurrency
		);
		const board = summarise(
			`leaderboard (${concurrency} concurrent viewers)`,
			await runPool(
				Array.from({ length: leaderboardRequests }, () => viewLeaderboard),
				concurrency
			)
		);

		const checks = [
			['ballots per second >= 300', ballotSummary.perSecond >= 300],
			['ballot p95 < 200 ms', ballotSummary.p95 < 200],
			['no ballot errors', ballotSummary.errors === 0],
			['no lost or extra votes', lost === 0 && extra === 0],
			['leaderboard >= 500 requests per second', board.perSecond >= 500],
			['leaderboard p95 < 100 ms', board.p95 < 100],
			['no leaderboard errors', board.errors === 0]
		];
		for (const [label, ok] of checks) log(`${ok ? 'MET   ' : 'MISSED'} ${label}`);
		console.log(
			JSON.stringify({
				ballots: ballotSummary,
				votes: { accepted: accepted.size, stored: stored.length, lost, extra },
				leaderboard: board
			})
		);
		// Correctness failures fail the run; speed depends on the machine, so it is reported only.
		failed = ballotSummary.errors > 0 || lost > 0 || extra > 0 || board.errors > 0;
	} finally {
		server.kill('SIGTERM');
		await new Promise((resolve) => server.once('exit', resolve));
		if (failed) console.error(output().split('\n').slice(-30).join('\n'));
	}
	process.exit(failed ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
