// The backfill's command line: `npx prisma db seed [-- options]`, `npm run backfill -- [options]`,
// `npm run backfill:verify`. Configuration is checked before anything is read or written.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createProgress, type ProgressMode } from './progress.ts';
import { formatReport } from './report.ts';
import {
	fetchFromAirtable,
	readSnapshot,
	SourceError,
	writeSnapshot,
	type AirtableSettings
} from './source.ts';
import { DEFAULT_TABLE_NAMES, SOURCE_TABLES, TARGET_TABLES, type SourceData } from './tables.ts';

export const HELP = `Usage: npm run backfill -- [options]
       npx prisma db seed -- [options]        (the same; without options it imports from Airtable)
       npm run backfill:verify -- [options]   (= --verify)

Copies the Airtable base (v1) into PostgreSQL in one transaction: users, events, attendees, projects,
collaborators, referrals, votes. Safe to run again: it creates what is new, updates what changed in
Airtable since the last run, duplicates nothing, and never touches rows created in PostgreSQL, nor
brings back rows deleted there. Records that cannot be imported are skipped and listed in the report.

Source (the Airtable API unless --from-snapshot is given):
  --from-snapshot DIR   read a snapshot directory (users.json, events.json, projects.json,
                        referrals.json, votes.json: the records as the API returns them)
  --snapshot-out DIR    save the records read to DIR (the cutover's backup; a way to rehearse offline)
  --snapshot-only       with --snapshot-out: save the snapshot and stop (touches no database)

Run:
  --dry-run             run the whole import and print the report, then roll everything back
  --report FILE         also write the report (or the verification) as JSON to FILE
  --verify              import nothing: compare the source with the database (counts per table; every
                        record, attendee, collaborator and vote link present or accounted for by the
                        report). Exits 1 on any unexplained difference.
  --progress MODE       bars | lines | none (default: bars on a terminal, lines otherwise)
  -h, --help            show this text

Environment:
  AIRTABLE_API_KEY      personal access token with data.records:read on the base (API source only)
  AIRTABLE_BASE_ID      the base, "app..." (API source only)
  AIRTABLE_ENDPOINT_URL API address (default https://api.airtable.com; e.g. a proxy)
  AIRTABLE_USERS_TABLE, AIRTABLE_EVENTS_TABLE, AIRTABLE_PROJECTS_TABLE, AIRTABLE_REFERRALS_TABLE,
  AIRTABLE_VOTES_TABLE  table names or ids (default Users, Events, Projects, Referrals, Votes)
  DATABASE_URL          the PostgreSQL server (default: the embedded database in EMBEDDED_DATABASE_DIR)

Exit status: 0 done, 1 import failed or verification found differences (nothing was written when the
import failed), 2 bad options or configuration.`;

export interface Io {
	out: (text: string) => void;
	err: (text: string) => void;
	stderr: NodeJS.WriteStream;
}

const defaultIo: Io = {
	out: (text) => process.stdout.write(`${text}\n`),
	err: (text) => process.stderr.write(`${text}\n`),
	stderr: process.stderr
};

class ConfigError extends Error {}

interface Options {
	fromSnapshot?: string;
	snapshotOut?: string;
	snapshotOnly: boolean;
	dryRun: boolean;
	report?: string;
	verify: boolean;
	progress: ProgressMode;
	airtable?: AirtableSettings;
}

/** Reads the options and environment; throws ConfigError with the message the operator needs. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv, tty: boolean): Options | 'help' {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			options: {
				'from-snapshot': { type: 'string' },
				'snapshot-out': { type: 'string' },
				'snapshot-only': { type: 'boolean', default: false },
				'dry-run': { type: 'boolean', default: false },
				report: { type: 'string' },
				verify: { type: 'boolean', default: false },
				progress: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false }
			},
			strict: true,
			allowPositionals: false
		});
	} catch (error) {
		throw new ConfigError(`${(error as Error).message}\nRun with --help for the options.`);
	}
	const v = parsed.values;
	if (v.help) return 'help';
	const progress = (v.progress ?? (tty ? 'bars' : 'lines')) as ProgressMode;
	if (!['bars', 'lines', 'none'].includes(progress)) {
		throw new ConfigError(`--progress must be bars, lines or none (got "${v.progress}").`);
	}
	if (v['snapshot-only'] && !v['snapshot-out'])
		throw new ConfigError('--snapshot-only needs --snapshot-out DIR.');
	if (v['snapshot-only'] && (v.verify || v['dry-run'])) {
		throw new ConfigError(
			'--snapshot-only saves a snapshot and stops: it cannot be combined with --verify or --dry-run.'
		);
	}
	if (v['from-snapshot'] && v['snapshot-out']) {
		throw new ConfigError(
			'--snapshot-out saves what was read from Airtable: it cannot be combined with --from-snapshot.'
		);
	}
	if (v.verify && v['dry-run']) throw new ConfigError('--verify writes nothing anyway: leave out --dry-run.');
	if (v['from-snapshot'] && !existsSync(v['from-snapshot'])) {
		throw new ConfigError(`The snapshot directory ${v['from-snapshot']} does not exist.`);
	}
	const options: Options = {
		fromSnapshot: v['from-snapshot'],
		snapshotOut: v['snapshot-out'],
		snapshotOnly: v['snapshot-only'],
		dryRun: v['dry-run'],
		report: v.report,
		verify: v.verify,
		progress
	};
	if (!options.fromSnapshot) options.airtable = readAirtableSettings(env);
	return options;
}

function readAirtableSettings(env: NodeJS.ProcessEnv): AirtableSettings {
	const problems: string[] = [];
	const apiKey = env.AIRTABLE_API_KEY?.trim() ?? '';
	const baseId = env.AIRTABLE_BASE_ID?.trim() ?? '';
	if (!apiKey)
		problems.push(
			'AIRTABLE_API_KEY is not set: give a personal access token (pat...) that can read the base.'
		);
	if (!baseId) problems.push('AIRTABLE_BASE_ID is not set: give the id of the v1 base (app...).');
	else if (!/^app[A-Za-z0-9]{14}$/.test(baseId)) {
		problems.push(`AIRTABLE_BASE_ID "${baseId}" is not a base id (app followed by 14 letters or digits).`);
	}
	const endpointUrl = env.AIRTABLE_ENDPOINT_URL?.trim() || undefined;
	if (endpointUrl && !/^https?:\/\/[^/]+/.test(endpointUrl)) {
		problems.push(`AIRTABLE_ENDPOINT_URL "${endpointUrl}" is not an http(s) URL.`);
	}
	const tables = { ...DEFAULT_TABLE_NAMES };
	for (const table of SOURCE_TABLES) {
		const name = env[`AIRTABLE_${table.toUpperCase()}_TABLE`];
		if (name !== undefined && !name.trim()) problems.push(`AIRTABLE_${table.toUpperCase()}_TABLE is empty.`);
		else if (name) tables[table] = name.trim();
	}
	if (problems.length > 0) {
		throw new ConfigError(
			`Cannot read from Airtable:\n  ${problems.join('\n  ')}\nOr import a saved snapshot with --from-snapshot DIR (see --help).`
		);
	}
	return { apiKey, baseId, endpointUrl, tables };
}

/** Counts a previous snapshot's manifest holds: lets the progress bars show time left. */
function expectedCounts(dir: string | undefined): Partial<Record<string, number>> {
	try {
		return dir ? (JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')).counts ?? {}) : {};
	} catch {
		return {};
	}
}

/**
 * Runs the command; returns the exit status. `keepDatabaseOpen` is for callers that go on using the
 * app's database client afterwards (tests); the command itself closes it.
 */
export async function main(
	argv: string[],
	env = process.env,
	io: Io = defaultIo,
	{ keepDatabaseOpen = false } = {}
): Promise<number> {
	let options;
	try {
		options = readOptions(argv, env, !!io.stderr.isTTY);
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		io.err(error.message);
		return 2;
	}
	if (options === 'help') {
		io.out(HELP);
		return 0;
	}
	const progress = createProgress(options.progress, io.stderr);
	// Imported only now: opening the database is a side effect that bad options must not have. The
	// fetch does not wait for it (loading the database client takes a moment).
	const loading = options.snapshotOnly ? undefined : import('../db.ts');
	loading?.catch(() => {});
	let database: Awaited<typeof loading>;
	try {
		// The database is checked while the records are read (a bad DATABASE_URL fails within
		// milliseconds, so long before a fetch is done), and the import's code loads meanwhile.
		const ready = (async () => {
			database = await loading;
			if (!database) return;
			progress.log(`Database: ${database.describeDatabase()}`);
			await Promise.all([database.prepareDatabase(), import('./import.ts'), import('./verify.ts')]);
		})();
		ready.catch(() => {});
		let data: SourceData;
		let source: string;
		if (options.fromSnapshot) {
			await ready;
			source = `snapshot ${options.fromSnapshot}`;
			data = readSnapshot(options.fromSnapshot);
			for (const table of SOURCE_TABLES) progress.fetched(table, data[table].length, true);
		} else {
			const settings = options.airtable!;
			source = `Airtable base ${settings.baseId}`;
			progress.log(`Reading ${source} (at most 5 requests per second)...`);
			const expected = expectedCounts(options.snapshotOut);
			const [fetched] = await Promise.all([
				fetchFromAirtable(settings, {
					onPage: (table, records) => progress.fetched(table, records, false, expected[table]),
					onTableDone: (table, records) => progress.fetched(table, records, true)
				}),
				ready
			]);
			data = fetched.data;
			progress.log(
				`Read ${SOURCE_TABLES.map((t) => `${data[t].length} ${t}`).join(', ')} in ${fetched.requests} requests.`
			);
			if (options.snapshotOut) {
				writeSnapshot(options.snapshotOut, data, { baseId: settings.baseId, tables: settings.tables });
				progress.log(`Snapshot saved to ${options.snapshotOut}.`);
			}
		}
		if (!database) {
			progress.stop();
			return 0;
		}
		if (options.verify) {
			const { verifyBackfill, formatVerification } = await import('./verify.ts');
			const result = await verifyBackfill(database.db, data, source);
			progress.stop();
			io.out(formatVerification(result));
			if (options.report) writeFileSync(options.report, `${JSON.stringify(result, null, '\t')}\n`);
			return result.ok ? 0 : 1;
		}
		const { importBackfill } = await import('./import.ts');
		let done = 0;
		const report = await importBackfill(database.db, data, {
			source,
			dryRun: options.dryRun,
			onTableWritten: (table, rows) => progress.written(table, rows, ++done, TARGET_TABLES.length)
		});
		progress.stop();
		io.out(formatReport(report));
		if (options.report) {
			writeFileSync(options.report, `${JSON.stringify(report, null, '\t')}\n`);
			io.out(`Report written to ${options.report}.`);
		}
		return 0;
	} catch (error) {
		progress.stop();
		if (error instanceof SourceError || (database && error instanceof database.DatabaseNotReadyError)) {
			io.err(error.message);
		} else {
			io.err(
				`The backfill failed; nothing was written (the import runs in one transaction).\n${(error as Error).message ?? error}`
			);
		}
		return 1;
	} finally {
		if (!keepDatabaseOpen) await database?.closeDatabase();
	}
}
