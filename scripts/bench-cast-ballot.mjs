#!/usr/bin/env node
// `node scripts/bench-cast-ballot.mjs --compare <other migrations dir>`: the database side of a ballot,
// A/B. Builds two databases, one from this checkout's prisma/migrations and one from another set (e.g.
// an older commit's, extracted with `git archive <commit> prisma/migrations | tar -x -C /tmp/old`),
// seeds each with one event in `voting` (60 projects, 1,000 signed-in attendees), then casts ballots
// against them in turns (A, B, A, B, ...): each ballot is the two statements the app sends for it, the
// session lookup and cast_ballot, as the app of each side's migrations sends them (the app of
// 20261129080000_planned_once and after calls database functions for both). Random ballots of 3 picks.
// Turns alternate so that a shared machine's load falls on both sides alike; the medians and their
// ratio are printed. Without --compare, only this checkout is measured.
//
//   --compare DIR   the other migrations directory (its folders hold migration.sql)
//   --rounds N      turns per side (default 5)
//   --seconds S     length of each turn (default 10)
//   --clients C     pgbench clients (default 8)
//   --cpu N         instead of pgbench: N ballots per turn, one after the other on one connection, and the
//                   CPU time its PostgreSQL backend spent on them (from /proc, so the server must run on
//                   this machine): microseconds of database CPU per ballot. Unlike ballots per second,
//                   CPU time hardly moves when other work shares the machine.
//   --batch B       with --cpu: the ballots go B at a time, as the app sends those that arrive together at
//                   the rush (src/lib/server/batches.ts): one sessions_of for their B sessions, then one
//                   cast_ballots for the B ballots of B different voters, ordered by voter, each stamped
//                   by its voter's device as the ballot page stamps it. Needs both
//                   functions (20261130090000_batches) on each side.
//   --embedded N    instead of a PostgreSQL server: the embedded database (PGlite, in this process, in a
//                   temporary directory per side), N ballots per turn one after the other, and the CPU
//                   time this process spent on them: microseconds per ballot.
// Environment: BENCH_SERVER_URL (default postgresql://postgres@127.0.0.1:5432/postgres); the databases
// are <its name>_cast_a and _cast_b, DROPPED and created again.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cpuSecondsOf } from './process-cpu.ts';
import { commandLine } from './command-line.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = commandLine(import.meta.url, {
	compare: { type: 'string' },
	rounds: { type: 'string', default: '5' },
	seconds: { type: 'string', default: '10' },
	clients: { type: 'string', default: '8' },
	cpu: { type: 'string' },
	batch: { type: 'string', default: '1' },
	embedded: { type: 'string' }
});
const server = new URL(process.env.BENCH_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const urlOf = (name) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const base = server.pathname.slice(1) === 'postgres' ? 'podium_integrity_bench' : server.pathname.slice(1);

function run(command, argv, input) {
	const result = spawnSync(command, argv, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

const SEED = `
INSERT INTO users (email, first_name, display_name)
	SELECT 'bench-' || n || '@example.test', 'Bench', 'Bench ' || n FROM generate_series(1, 1061) AS n;
INSERT INTO events (name, slug, join_code, owner_id, phase)
	SELECT 'Bench', 'bench', 'BENCH1', id, 'submission' FROM users WHERE email = 'bench-1061@example.test';
INSERT INTO event_attendees (event_id, user_id)
	SELECT e.id, u.id FROM events e, users u WHERE e.slug = 'bench' AND u.email <> 'bench-1061@example.test';
INSERT INTO projects (name, join_code, owner_id, event_id)
	SELECT 'Project ' || n, 'P' || lpad(n::text, 5, '0'), u.id, e.id
	FROM generate_series(1, 60) AS n JOIN users u ON u.email = 'bench-' || (1000 + n) || '@example.test', events e
	WHERE e.slug = 'bench';
UPDATE events SET phase = 'voting' WHERE slug = 'bench';
CREATE TABLE bench_voters AS SELECT row_number() OVER (ORDER BY u.email) AS n, u.id FROM users u
	WHERE u.email ~ '^bench-([1-9][0-9]{0,2}|1000)@';
CREATE TABLE bench_projects AS SELECT row_number() OVER (ORDER BY p.join_code) AS n, p.id FROM projects p;
CREATE UNIQUE INDEX ON bench_voters (n);
CREATE UNIQUE INDEX ON bench_projects (n);
INSERT INTO sessions (id, user_id, expires_at)
	SELECT 'bench-session-' || n, id, now() + interval '1 day' FROM bench_voters;
ANALYZE;
`;

/**
 * The two statements of a ballot, as the app of a side's migrations sends them (src/lib/server/auth/
 * sessions.ts, then src/lib/server/voting.ts: event by slug, the client address when cast_ballot takes
 * one). `the` gives the session token, the voter's id, the picks and the client address as SQL: pgbench's
 * variables looked up in the bench tables, or parameters ($1 the token; $1 the voter, $2 the picks and
 * $3 the address), as the app sends them.
 */
function ballotStatements(side, the) {
	const stamp = `NULL::uuid, NULL::bigint, NULL::uuid${side.takesClient ? `, ${the.client}` : ''}`;
	if (side.planned) {
		return [
			`SELECT id, user_id, expires_at, email, first_name, last_name, display_name, profile_complete,
				is_platform_admin, locale FROM session_of(${the.session})`,
			`SELECT outcome FROM cast_ballot(${the.voter}, NULL::uuid, 'bench', ${the.picks}, ${stamp})`
		];
	}
	return [
		`SELECT s.id, s.user_id, s.expires_at, u.email, u.first_name, u.last_name, u.display_name,
			u.profile_completed_at IS NOT NULL, u.platform_admin_since IS NOT NULL, u.locale
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ${the.session}`,
		`SELECT b.outcome FROM (SELECT id FROM events WHERE slug = 'bench' AND deleted_at IS NULL) AS e,
			LATERAL cast_ballot(${the.voter}, e.id, NULL::text, ${the.picks}, ${stamp}) AS b`
	];
}

const PGBENCH_BALLOT = {
	session: `'bench-session-' || :v`,
	voter: '(SELECT id FROM bench_voters WHERE n = :v)',
	picks: 'ARRAY(SELECT id FROM bench_projects WHERE n BETWEEN :p AND :p + 2)',
	client: `'198.51.100.' || (:v % 200)`
};
const PARAMETERS = { session: '$1::text', voter: '$1::uuid', picks: '$2::uuid[]', client: '$3::text' };

const castScript = (side) =>
	`\\set v random(1, 1000)\n\\set p random(1, 58)\n${ballotStatements(side, PGBENCH_BALLOT)
		.map((statement) => `${statement.replace(/\s*\n\s*/g, ' ')};\n`)
		.join('')}`;

const migrationFolders = (dir) =>
	readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => entry.name)
		.sort();

/** What the app of a side's migrations calls: cast_ballot's arguments, and whether it has session_of. */
const sideFacts = `SELECT (SELECT count(*) FROM pg_proc WHERE proname = 'cast_ballot' AND pronargs = 8) = 1
	AS "takesClient", EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'session_of') AS "planned"`;

function prepare(name, migrationsDir) {
	const url = urlOf(name);
	run('psql', [server.toString(), '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
	run('psql', [server.toString(), '-qc', `CREATE DATABASE ${name}`]);
	const folders = migrationFolders(migrationsDir);
	for (const folder of folders) {
		run('psql', [
			url,
			'-q',
			'-v',
			'ON_ERROR_STOP=1',
			'-1',
			'-f',
			path.join(migrationsDir, folder, 'migration.sql')
		]);
	}
	run('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1'], SEED);
	const [takesClient, planned] = run('psql', [url, '-tAF,', '-c', sideFacts])
		.trim()
		.split(',')
		.map((value) => value === 't');
	const side = { name, url, migrations: folders.length, takesClient, planned };
	side.dir = mkdtempSync(path.join(os.tmpdir(), 'podium-cast-'));
	side.script = path.join(side.dir, 'cast.sql');
	writeFileSync(side.script, castScript(side));
	return side;
}

/** A side on the embedded database: PGlite in a temporary directory, opened in this process. */
async function prepareEmbedded(name, migrationsDir) {
	const { PGlite } = await import('@electric-sql/pglite');
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'podium-cast-embedded-'));
	const pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
	const folders = migrationFolders(migrationsDir);
	for (const folder of folders) {
		await pglite.transaction((tx) =>
			tx.exec(readFileSync(path.join(migrationsDir, folder, 'migration.sql'), 'utf8'))
		);
	}
	await pglite.exec(SEED);
	const [facts] = (await pglite.query(sideFacts)).rows;
	return { name, migrations: folders.length, ...facts, pglite, dir };
}

function turn(side) {
	const output = run('pgbench', [
		'-n',
		'-c',
		args.clients,
		'-j',
		'2',
		'-T',
		args.seconds,
		'-f',
		side.script,
		side.url
	]);
	const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
	const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
	if (!tps || failed) throw new Error(`pgbench: ${output}`);
	return tps;
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const prepareSide = args.embedded ? prepareEmbedded : prepare;
const sides = [await prepareSide(`${base}_cast_a`, path.join(root, 'prisma', 'migrations'))];
if (args.compare) sides.push(await prepareSide(`${base}_cast_b`, path.resolve(args.compare)));
for (const side of sides) {
	console.log(
		`[cast] ${side.name}${args.embedded ? ' (embedded)' : ''}: ${side.migrations} migrations, cast_ballot ${side.takesClient ? 'with' : 'without'} the client address, ${side.planned ? 'session_of' : 'the session lookup sent as a statement'}`
	);
}
/** The seeded voters (`n`, `id`) and the projects' ids, in order (SEED). */
async function benchScene(database) {
	const voters = (await database.query('SELECT n, id FROM bench_voters ORDER BY n')).rows;
	const projects = (await database.query('SELECT id FROM bench_projects ORDER BY n')).rows.map(
		(row) => row.id
	);
	return { voters, projects };
}

/**
 * A function that casts one random ballot of 3 picks on `database` (a pg client or a PGlite), its ids as
 * parameters, as the app sends them: the session lookup, then cast_ballot.
 */
async function ballotCaster(side, database) {
	const [session, cast] = ballotStatements(side, PARAMETERS);
	const { voters, projects } = await benchScene(database);
	return async () => {
		const { n, id } = voters[Math.floor(Math.random() * voters.length)];
		const first = Math.floor(Math.random() * (projects.length - 2));
		const picks = projects.slice(first, first + 3);
		await database.query(session, [`bench-session-${n}`]);
		await database.query(cast, side.takesClient ? [id, picks, `198.51.100.${n % 200}`] : [id, picks]);
	};
}

/**
 * --batch: a function that casts `size` random ballots of 3 picks by as many voters, as the app sends the
 * ballots that arrive together (src/lib/server/ballot-batches.ts, src/lib/server/auth/sessions.ts).
 */
async function batchCaster(database, size) {
	const { voters, projects } = await benchScene(database);
	// Each voter's device stamps its ballots (device, sequence number, key), as the ballot page does.
	const devices = new Map(voters.map(({ id }) => [id, { device: randomUUID(), seq: 0 }]));
	return async () => {
		const chosen = new Map();
		while (chosen.size < size) {
			const voter = voters[Math.floor(Math.random() * voters.length)];
			chosen.set(voter.id, voter);
		}
		const batch = [...chosen.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
		await database.query('SELECT * FROM sessions_of($1::text[])', [
			batch.map(({ n }) => `bench-session-${n}`)
		]);
		const ballots = batch.map(({ n, id }) => {
			const first = Math.floor(Math.random() * (projects.length - 2));
			const stamp = devices.get(id);
			stamp.seq += 1;
			return {
				voter: id,
				slug: 'bench',
				picks: projects.slice(first, first + 3),
				device: stamp.device,
				seq: stamp.seq,
				key: randomUUID(),
				client: `198.51.100.${n % 200}`
			};
		});
		const { rows } = await database.query('SELECT ballot, outcome FROM cast_ballots($1::jsonb)', [
			JSON.stringify(ballots)
		]);
		// A refusal costs less than a ballot recorded: the figures would flatter the database.
		const refused = rows.find((row) => row.outcome !== 'recorded');
		if (refused) throw new Error(`cast_ballots answered ${refused.outcome}: the benchmark is wrong`);
	};
}

// One turn of --cpu: N random ballots of 3 picks, as the pgbench script casts them (or --batch at a time).
async function cpuTurn(side, ballots) {
	const client = new pg.Client({ connectionString: side.url });
	await client.connect();
	try {
		const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
		const size = Math.max(1, Number(args.batch) || 1);
		const one = size > 1 ? await batchCaster(client, size) : await ballotCaster(side, client);
		const calls = Math.ceil(ballots / size);
		// Warm the backend's caches and plans first: a fresh connection is slow for its first ballots.
		for (let i = 0; i < Math.ceil(200 / size); i++) await one();
		const before = cpuSecondsOf(pid);
		for (let i = 0; i < calls; i++) await one();
		return ((cpuSecondsOf(pid) - before) / (calls * size)) * 1e6;
	} finally {
		await client.end();
	}
}

// One turn of --embedded: N random ballots of 3 picks on the side's PGlite, and this process's CPU time.
async function embeddedTurn(side, ballots) {
	const one = await ballotCaster(side, side.pglite);
	for (let i = 0; i < 100; i++) await one();
	const before = process.cpuUsage();
	for (let i = 0; i < ballots; i++) await one();
	const used = process.cpuUsage(before);
	return (used.user + used.system) / ballots;
}

const results = sides.map(() => []);
const perBallot = args.cpu ?? args.embedded;
const unit = perBallot ? 'µs of CPU per ballot' : 'ballots/s';
for (let round = 1; round <= Number(args.rounds); round++) {
	for (const [i, side] of sides.entries()) {
		const value = args.embedded
			? await embeddedTurn(side, Number(args.embedded))
			: args.cpu
				? await cpuTurn(side, Number(args.cpu))
				: turn(side);
		results[i].push(value);
		console.log(`[cast] round ${round}: ${side.name} ${value.toFixed(0)} ${unit}`);
	}
}
// The temporary directories go: pgbench's scripts, the embedded databases.
for (const side of sides) {
	await side.pglite?.close();
	rmSync(side.dir, { recursive: true, force: true });
}
const medians = results.map(median);
sides.forEach((side, i) => console.log(`[cast] median ${side.name}: ${medians[i].toFixed(0)} ${unit}`));
if (sides.length === 2) {
	// As a ratio of speed: above 1, this checkout casts more ballots with the same database.
	const speed = (a, b) => (perBallot ? b / a : a / b);
	console.log(`[cast] speed of this checkout / other = ${speed(medians[0], medians[1]).toFixed(3)}`);
	const perRound = results[0].map((a, i) => speed(a, results[1][i]));
	console.log(
		`[cast] per-round ratios: ${perRound.map((r) => r.toFixed(3)).join(' ')} (median ${median(perRound).toFixed(3)})`
	);
}
