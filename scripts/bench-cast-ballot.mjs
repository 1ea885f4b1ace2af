#!/usr/bin/env node
// `node scripts/bench-cast-ballot.mjs --compare <other migrations dir>`: the database side of a ballot,
// A/B. Builds two PostgreSQL databases, one from this checkout's prisma/migrations and one from another
// set (e.g. an older commit's, extracted with `git archive <commit> prisma/migrations | tar -x -C /tmp/old`),
// seeds each with one event in `voting` (60 projects, 1,000 attendees), then runs pgbench against them in
// turns (A, B, A, B, ...), each turn casting random ballots of 3 picks through cast_ballot exactly as the
// app calls it. Turns alternate so that a shared machine's load falls on both sides alike; the medians and
// their ratio are printed. Without --compare, only this checkout is measured.
//
//   --compare DIR   the other migrations directory (its folders hold migration.sql)
//   --rounds N      turns per side (default 5)
//   --seconds S     length of each turn (default 10)
//   --clients C     pgbench clients (default 8)
//   --cpu N         instead of pgbench: N ballots per turn, one after the other on one connection, and the
//                   CPU time its PostgreSQL backend spent on them (from /proc, so the server must run on
//                   this machine): microseconds of database CPU per ballot. Unlike ballots per second,
//                   CPU time hardly moves when other work shares the machine.
// Environment: BENCH_SERVER_URL (default postgresql://postgres@127.0.0.1:5432/postgres); the databases
// are <its name>_cast_a and _cast_b, DROPPED and created again.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
	options: {
		compare: { type: 'string' },
		rounds: { type: 'string', default: '5' },
		seconds: { type: 'string', default: '10' },
		clients: { type: 'string', default: '8' },
		cpu: { type: 'string' }
	}
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
ANALYZE;
`;

// As src/lib/server/voting.ts calls it (event by slug; the client address when the function takes one).
const castScript = (withClient) => `\\set v random(1, 1000)
\\set p random(1, 58)
SELECT b.outcome FROM (SELECT id FROM events WHERE slug = 'bench' AND deleted_at IS NULL) AS e,
	LATERAL cast_ballot((SELECT id FROM bench_voters WHERE n = :v), e.id, NULL::text,
		ARRAY(SELECT id FROM bench_projects WHERE n BETWEEN :p AND :p + 2), NULL::uuid, NULL::bigint, NULL::uuid${
			withClient ? `, '198.51.100.' || (:v % 200)` : ''
		}) AS b;
`;

function prepare(name, migrationsDir) {
	const url = urlOf(name);
	run('psql', [server.toString(), '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
	run('psql', [server.toString(), '-qc', `CREATE DATABASE ${name}`]);
	const folders = readdirSync(migrationsDir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => entry.name)
		.sort();
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
	const takesClient =
		run('psql', [
			url,
			'-tAc',
			"SELECT count(*) FROM pg_proc WHERE proname = 'cast_ballot' AND pronargs = 8"
		]).trim() === '1';
	const dir = mkdtempSync(path.join(os.tmpdir(), 'podium-cast-'));
	const script = path.join(dir, 'cast.sql');
	writeFileSync(script, castScript(takesClient));
	return { name, url, script, migrations: folders.length, takesClient };
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

const sides = [prepare(`${base}_cast_a`, path.join(root, 'prisma', 'migrations'))];
if (args.compare) sides.push(prepare(`${base}_cast_b`, path.resolve(args.compare)));
for (const side of sides) {
	console.log(
		`[cast] ${side.name}: ${side.migrations} migrations, cast_ballot ${side.takesClient ? 'with' : 'without'} the client address`
	);
}
// The CPU time (user + system) a backend process has used so far, in seconds.
function cpuSecondsOf(pid) {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]);
	return ticks / Number(run('getconf', ['CLK_TCK']).trim());
}

// One turn of --cpu: N random ballots of 3 picks, as the pgbench script casts them.
async function cpuTurn(side, ballots) {
	const client = new pg.Client({ connectionString: side.url });
	await client.connect();
	try {
		const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
		const cast = `SELECT b.outcome FROM (SELECT id FROM events WHERE slug = 'bench' AND deleted_at IS NULL) AS e,
			LATERAL cast_ballot((SELECT id FROM bench_voters WHERE n = $1), e.id, NULL::text,
				ARRAY(SELECT id FROM bench_projects WHERE n BETWEEN $2 AND $2 + 2), NULL::uuid, NULL::bigint, NULL::uuid${
					side.takesClient ? `, '198.51.100.' || ($1 % 200)` : ''
				}) AS b`;
		// Warm the backend's caches and plans first: a fresh connection is slow for its first ballots.
		const one = () =>
			client.query({
				name: 'cast',
				text: cast,
				values: [1 + Math.floor(Math.random() * 1000), 1 + Math.floor(Math.random() * 58)]
			});
		for (let i = 0; i < 200; i++) await one();
		const before = cpuSecondsOf(pid);
		for (let i = 0; i < ballots; i++) await one();
		return ((cpuSecondsOf(pid) - before) / ballots) * 1e6;
	} finally {
		await client.end();
	}
}

const results = sides.map(() => []);
const unit = args.cpu ? 'µs of CPU per ballot' : 'ballots/s';
for (let round = 1; round <= Number(args.rounds); round++) {
	for (const [i, side] of sides.entries()) {
		const value = args.cpu ? await cpuTurn(side, Number(args.cpu)) : turn(side);
		results[i].push(value);
		console.log(`[cast] round ${round}: ${side.name} ${value.toFixed(0)} ${unit}`);
	}
}
const medians = results.map(median);
sides.forEach((side, i) => console.log(`[cast] median ${side.name}: ${medians[i].toFixed(0)} ${unit}`));
if (sides.length === 2) {
	// As a ratio of speed: above 1, this checkout casts more ballots with the same database.
	const speed = (a, b) => (args.cpu ? b / a : a / b);
	console.log(`[cast] speed of this checkout / other = ${speed(medians[0], medians[1]).toFixed(3)}`);
	const perRound = results[0].map((a, i) => speed(a, results[1][i]));
	console.log(
		`[cast] per-round ratios: ${perRound.map((r) => r.toFixed(3)).join(' ')} (median ${median(perRound).toFixed(3)})`
	);
}
