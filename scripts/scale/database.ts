// The scale database on a PostgreSQL server: (re)created, migrated as an operator would, loaded in one
// transaction, checked, analysed. Shared by `npm run seed:scale` and `npm run bench:scale`.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { countScaleData, findBrokenRules, type ScaleCounts } from './checks.ts';
import { loadScaleData, readSeedMarker, SEED_VERSION, type Sql } from './seed.ts';
import type { ScaleSizes } from './sizes.ts';

export const DEFAULT_SCALE_URL = 'postgresql://postgres@127.0.0.1:5432/podium_scale';

const root = path.resolve(import.meta.dirname, '../..');

/** A pg client as the seed's `Sql`. */
export function sqlOf(client: pg.Client): Sql {
	return { query: async (text) => (await client.query(text)).rows };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** The seed marker of the database at `url`, or null when it does not exist or was not seeded. */
async function existingSeed(url: string) {
	try {
		return await withClient(url, (client) => readSeedMarker(sqlOf(client)));
	} catch (error) {
		if ((error as { code?: string }).code === '3D000') return null; // no such database
		throw error;
	}
}

function sameSizes(a: ScaleSizes, b: ScaleSizes): boolean {
	return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

export interface SeedOutcome {
	reused: boolean;
	seconds: number;
	counts: ScaleCounts;
	votesShort: number;
}

function migrate(url: string) {
	const deploy = spawnSync(path.join(root, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
		cwd: root,
		env: { ...process.env, DATABASE_URL: url },
		encoding: 'utf8'
	});
	if (deploy.status !== 0) throw new Error(`prisma migrate deploy failed:\n${deploy.stdout}${deploy.stderr}`);
}

/**
 * Makes the scale database at `url` (DROPPED and created again), unless `reuse` and it already holds
 * this seed version at these sizes.
 */
export async function prepareScaleDatabase(options: {
	url: string;
	sizes: ScaleSizes;
	reuse: boolean;
	log: (line: string) => void;
}): Promise<SeedOutcome> {
	const { url, sizes, log } = options;
	const started = performance.now();
	const seconds = () => Number(((performance.now() - started) / 1000).toFixed(1));
	if (options.reuse) {
		const marker = await existingSeed(url);
		if (marker && marker.version === SEED_VERSION && sameSizes(marker.sizes, sizes)) {
			// Migrations added since the seed are applied, as an operator would before starting the app.
			migrate(url);
			const counts = await withClient(url, (client) => countScaleData(sqlOf(client)));
			log(`reusing the database seeded before (seed version ${SEED_VERSION})`);
			return { reused: true, seconds: seconds(), counts, votesShort: 0 };
		}
		log(
			marker ? 'the database was seeded with other sizes or another version: seeding again' : 'not seeded yet'
		);
	}
	const name = decodeURIComponent(new URL(url).pathname.slice(1));
	if (!/^[\w-]+$/.test(name)) throw new Error(`Unexpected database name: ${name}`);
	const admin = new URL(url);
	admin.pathname = '/postgres';
	await withClient(admin.toString(), async (client) => {
		await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		await client.query(`CREATE DATABASE "${name}"`);
	});
	migrate(url);
	log(`created and migrated ${name} (${seconds()} s)`);

	return withClient(url, async (client) => {
		const sql = sqlOf(client);
		await client.query('BEGIN');
		const plan = await loadScaleData(sql, sizes, (step, ms) => log(`  ${step}: ${(ms / 1000).toFixed(1)} s`));
		const checking = performance.now();
		const broken = await findBrokenRules(sql);
		if (Object.keys(broken).length > 0) {
			await client.query('ROLLBACK');
			throw new Error(`The seeded data breaks rules (nothing was kept): ${JSON.stringify(broken)}`);
		}
		log(`  every rule holds (${((performance.now() - checking) / 1000).toFixed(1)} s)`);
		await client.query('COMMIT');
		const analysing = performance.now();
		await client.query('VACUUM ANALYZE');
		log(`  vacuum analyze: ${((performance.now() - analysing) / 1000).toFixed(1)} s`);
		const counts = await countScaleData(sql);
		return { reused: false, seconds: seconds(), counts, votesShort: plan.votesShort };
	});
}
