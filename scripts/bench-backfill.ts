// `npm run bench:backfill [-- --scales 1,10 --runs 3 --api-runs 1]`: times the Airtable backfill end to
// end (a fresh `node prisma/seed.ts` process each run) on a synthetic base at the real base's size and
// at ten times it, from a snapshot and from a local fake of Airtable's API that allows 5 requests per
// second. Prints median times and, for the API, the ratio to the least time that limit allows
// (pages / 5 s). Needs DATABASE_URL: a PostgreSQL server where it may create scratch databases
// (podium_bench_*; dropped at the end). The database named in the URL itself is not touched.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../src/lib/server/migrations.ts';
import { writeSnapshot } from '../src/lib/server/backfill/source.ts';
import { SOURCE_TABLES, type SourceData } from '../src/lib/server/backfill/tables.ts';
import { startFakeAirtable } from '../tests/fakes/airtable.ts';
import { generateBase } from '../tests/fakes/airtable-base.ts';
import { commandLine } from './command-line.ts';

const { values } = commandLine(import.meta.url, {
	scales: { type: 'string', default: '1,10' },
	runs: { type: 'string', default: '3' },
	'api-runs': { type: 'string', default: '3' }
});
const admin = process.env.DATABASE_URL?.trim();
if (!admin) {
	console.error('Set DATABASE_URL to a PostgreSQL server (its user must be allowed to create databases).');
	process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const scratch = `podium_bench_${process.pid}`;
const BASE_ID = 'appBENCHMARK00001';
const TOKEN = 'patBENCH.token';

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: admin });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** A freshly migrated scratch database; returns its URL. */
async function freshDatabase(): Promise<string> {
	await withAdmin(async (client) => {
		await client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
		await client.query(`CREATE DATABASE "${scratch}"`);
	});
	const url = new URL(admin!);
	url.pathname = `/${scratch}`;
	const client = new pg.Client({ connectionString: url.toString() });
	await client.connect();
	await applyMigrations({
		query: (sql, params) => client.query(sql, params),
		exec: (sql) => client.query(sql)
	});
	await client.end();
	return url.toString();
}

function runBackfill(
	args: string[],
	env: Record<string, string>
): Promise<{ seconds: number; output: string }> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['prisma/seed.ts', ...args, '--progress', 'none'], {
			cwd: root,
			env: { ...process.env, ...env }
		});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('exit', (code) => {
			if (code === 0) resolve({ seconds: (performance.now() - started) / 1000, output });
			else reject(new Error(`the backfill exited with ${code}:\n${output}`));
		});
	});
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const results: string[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'podium-bench-'));
try {
	for (const scale of values.scales.split(',').map(Number)) {
		const data = generateBase(scale) as SourceData;
		const snapshot = path.join(dir, `x${scale}`);
		writeSnapshot(snapshot, data, { synthetic: true, scale });
		const counts = SOURCE_TABLES.map((t) => `${data[t].length} ${t}`).join(', ');
		console.log(`\n× ${scale}: ${counts}`);

		const fromSnapshot: number[] = [];
		let url = '';
		for (let i = 0; i < Number(values.runs); i++) {
			url = await freshDatabase();
			const { seconds } = await runBackfill(['--from-snapshot', snapshot], { DATABASE_URL: url });
			fromSnapshot.push(seconds);
			console.log(`  snapshot run ${i + 1}: ${seconds.toFixed(2)} s`);
		}
		// Again on the last run's database: the run after the cutover, where nothing changed.
		const rerun = await runBackfill(['--from-snapshot', snapshot], { DATABASE_URL: url });
		console.log(`  snapshot re-run (nothing to change): ${rerun.seconds.toFixed(2)} s`);

		const pages = SOURCE_TABLES.reduce((sum, t) => sum + Math.max(1, Math.ceil(data[t].length / 100)), 0);
		const minimum = pages / 5;
		const fromApi: number[] = [];
		let rejected = 0;
		for (let i = 0; i < Number(values['api-runs']); i++) {
			url = await freshDatabase();
			const fake = await startFakeAirtable({
				baseId: BASE_ID,
				token: TOKEN,
				tables: {
					Users: data.users,
					Events: data.events,
					Projects: data.projects,
					Referrals: data.referrals,
					Votes: data.votes
				}
			});
			try {
				const { seconds } = await runBackfill([], {
					DATABASE_URL: url,
					AIRTABLE_API_KEY: TOKEN,
					AIRTABLE_BASE_ID: BASE_ID,
					AIRTABLE_ENDPOINT_URL: fake.url
				});
				fromApi.push(seconds);
				rejected += fake.requests.filter((r) => r.status === 429).length;
				console.log(
					`  API run ${i + 1}: ${seconds.toFixed(2)} s for ${pages} pages (minimum ${minimum.toFixed(1)} s, ratio ${(seconds / minimum).toFixed(3)})`
				);
			} finally {
				await fake.close();
			}
		}
		results.push(
			`× ${scale} (${counts})`,
			`  from snapshot: median ${median(fromSnapshot).toFixed(2)} s of ${fromSnapshot.map((s) => s.toFixed(2)).join(', ')}; re-run ${rerun.seconds.toFixed(2)} s`,
			fromApi.length > 0
				? `  from the API:  median ${median(fromApi).toFixed(2)} s of ${fromApi.map((s) => s.toFixed(2)).join(', ')}; ${pages} pages → minimum ${minimum.toFixed(1)} s at 5 requests/s; ratio ${(median(fromApi) / minimum).toFixed(3)}; 429s: ${rejected}`
				: '  from the API:  not run'
		);
	}
	console.log(
		`\nResults (each run is a fresh process on a fresh, migrated database):\n${results.join('\n')}`
	);
} finally {
	rmSync(dir, { recursive: true, force: true });
	await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`));
}
