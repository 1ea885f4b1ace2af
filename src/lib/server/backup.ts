import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DatabaseTarget } from './config.ts';
import { embeddedOptions } from './embedded/in-process.ts';
import { EmbeddedLockError, lockEmbeddedDirectory, LOCK_FILE } from './embedded/lock.ts';

// Backups of either database (`npm run backup -- <file>`, `npm run restore -- <file>`; README "Backups").
//
// PostgreSQL server: pg_dump's custom format, taken while the app runs (pg_dump reads one consistent
// snapshot), restored with pg_restore into an empty database.
// Embedded database: PGlite's own dump of its data directory (a gzipped tar), which needs the directory
// to itself: one process per directory (embedded/lock.ts), so the app has to be stopped for it.

const run = promisify(execFile);

/** A backup or restore that cannot be done; the message is a sentence for the operator. */
export class BackupError extends Error {}

export interface BackupResult {
	file: string;
	bytes: number;
	/** What made the backup, e.g. `pg_dump (PostgreSQL) 15.20` or `PGlite`. */
	tool: string;
}

// The first bytes tell the two kinds of backup apart: pg_dump's custom format, and gzip.
const PG_DUMP_MAGIC = Buffer.from('PGDMP');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Backs up the database `target` to `file` (written whole or not at all). */
export async function backupDatabase(target: DatabaseTarget, file: string): Promise<BackupResult> {
	const destination = path.resolve(file);
	const partial = `${destination}.partial`;
	mkdirSync(path.dirname(destination), { recursive: true });
	try {
		const tool =
			target.kind === 'server'
				? await dumpServer(target.url, partial)
				: await dumpEmbedded(target.dir, partial);
		renameSync(partial, destination);
		const bytes = (await readFile(destination)).byteLength;
		return { file: destination, bytes, tool };
	} finally {
		rmSync(partial, { force: true });
	}
}

/** Restores `file` (made by backupDatabase) into the database `target`, which must be empty or new. */
export async function restoreDatabase(target: DatabaseTarget, file: string): Promise<void> {
	const source = path.resolve(file);
	const kind = await backupKind(source);
	if (target.kind === 'server') {
		if (kind !== 'pg_dump') {
			throw new BackupError(
				`${source} is a backup of the embedded database: restore it without DATABASE_URL (into EMBEDDED_DATABASE_DIR).`
			);
		}
		await restoreServer(target.url, source);
	} else {
		if (kind !== 'pglite') {
			throw new BackupError(
				`${source} is a backup of a PostgreSQL server (pg_dump): restore it with DATABASE_URL set to an empty database.`
			);
		}
		await restoreEmbedded(target.dir, source);
	}
}

async function backupKind(file: string): Promise<'pg_dump' | 'pglite'> {
	let head: Buffer;
	try {
		const handle = await open(file, 'r');
		try {
			head = Buffer.alloc(5);
			await handle.read(head, 0, 5, 0);
		} finally {
			await handle.close();
		}
	} catch (error) {
		throw new BackupError(`Cannot read the backup ${file}: ${(error as Error).message}`);
	}
	if (head.subarray(0, 5).equals(PG_DUMP_MAGIC)) return 'pg_dump';
	if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'pglite';
	throw new BackupError(
		`${file} is not a Podium backup (neither pg_dump's custom format nor a PGlite dump).`
	);
}

/**
 * pg_dump/pg_restore's connection: the URL without its password, which goes in PGPASSWORD instead, so
 * that it does not show in the process list.
 */
function connectionOf(url: string) {
	const parsed = new URL(url);
	const password = decodeURIComponent(parsed.password);
	parsed.password = '';
	return {
		dbname: parsed.toString(),
		env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }
	};
}

async function majorVersion(command: string): Promise<{ major: number; line: string }> {
	let stdout: string;
	try {
		({ stdout } = await run(command, ['--version']));
	} catch {
		throw new BackupError(
			`${command} is not installed: install the PostgreSQL client tools (Debian: apt-get install postgresql-client).`
		);
	}
	const line = stdout.trim();
	return { major: Number(/\s(\d+)(\.\d+)?/.exec(line)?.[1] ?? 0), line };
}

/** pg_dump can dump servers of its own major version or older, never newer ones. */
async function checkToolVersion(command: string, url: string): Promise<string> {
	const tool = await majorVersion(command);
	const client = new pg.Client({ connectionString: url });
	let serverMajor: number;
	try {
		await client.connect();
		const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
		serverMajor = Math.floor(Number(rows[0].server_version_num) / 10000);
	} catch (error) {
		throw new BackupError(
			`Cannot connect to the PostgreSQL server in DATABASE_URL: ${(error as Error).message}`
		);
	} finally {
		await client.end().catch(() => {});
	}
	if (tool.major < serverMajor) {
		throw new BackupError(
			`${tool.line} is older than the server (PostgreSQL ${serverMajor}): install the client tools of version ${serverMajor} or later.`
		);
	}
	return tool.line;
}

async function dumpServer(url: string, file: string): Promise<string> {
	const tool = await checkToolVersion('pg_dump', url);
	const { dbname, env } = connectionOf(url);
	try {
		await run('pg_dump', ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${dbname}`], {
			env,
			maxBuffer: 16 * 1024 * 1024
		});
	} catch (error) {
		throw new BackupError(`pg_dump failed: ${stderrOf(error)}`);
	}
	return tool;
}

async function restoreServer(url: string, file: string): Promise<void> {
	await checkToolVersion('pg_restore', url);
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const { rows } = await client.query<{ count: string }>(
			"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
		);
		if (Number(rows[0].count) > 0) {
			throw new BackupError(
				'The database in DATABASE_URL is not empty: restore into a new database (e.g. createdb podium_restored), ' +
					'check it, then point the app at it.'
			);
		}
	} finally {
		await client.end();
	}
	const { dbname, env } = connectionOf(url);
	try {
		// One transaction: a restore that fails half-way leaves the database empty, not half-filled.
		// Owners and grants are the old server's; the restoring user owns everything instead.
		await run(
			'pg_restore',
			[
				'--no-password',
				'--exit-on-error',
				'--single-transaction',
				'--no-owner',
				'--no-privileges',
				`--dbname=${dbname}`,
				file
			],
			{ env, maxBuffer: 16 * 1024 * 1024 }
		);
	} catch (error) {
		throw new BackupError(`pg_restore failed: ${stderrOf(error)}`);
	}
}

function stderrOf(error: unknown): string {
	const stderr = (error as { stderr?: string }).stderr?.trim();
	return stderr || (error as Error).message;
}

/** Takes the directory's lock, or explains that the app holds it and what to do. */
function lockForBackup(dir: string, doing: string): () => void {
	try {
		return lockEmbeddedDirectory(dir);
	} catch (error) {
		if (!(error instanceof EmbeddedLockError)) throw error;
		throw new BackupError(
			`Cannot ${doing} the embedded database while another process has it open. ${error.message} ` +
				'The embedded database belongs to one process at a time: stop the app, run this again (it takes ' +
				'seconds), then start the app. For backups while the app runs, use a PostgreSQL server (DATABASE_URL).'
		);
	}
}

async function dumpEmbedded(dir: string, file: string): Promise<string> {
	if (dir.startsWith('memory://')) {
		// i18n-ignore: the operator's backup command
		throw new BackupError('An in-memory embedded database (memory://) has nothing to back up.');
	}
	if (!readdirSafe(dir).includes('PG_VERSION')) {
		// i18n-ignore: the operator's backup command
		throw new BackupError(`There is no embedded database at ${dir} (EMBEDDED_DATABASE_DIR).`);
	}
	const unlock = lockForBackup(dir, 'back up');
	try {
		const pglite = await PGlite.create(dir, embeddedOptions);
		try {
			const dump = await pglite.dumpDataDir('gzip');
			await writeFile(file, Buffer.from(await dump.arrayBuffer()));
		} finally {
			await pglite.close();
		}
	} finally {
		unlock();
	}
	return 'PGlite';
}

async function restoreEmbedded(dir: string, file: string): Promise<void> {
	// i18n-ignore: the operator's backup command
	if (dir.startsWith('memory://')) throw new BackupError('Restore into a directory, not into memory://.');
	const present = readdirSafe(dir).filter((name) => name !== LOCK_FILE);
	if (present.length > 0) {
		throw new BackupError(
			`${dir} is not empty: restore into a new directory (set EMBEDDED_DATABASE_DIR to it), check it, then ` +
				'point the app at it.'
		);
	}
	mkdirSync(dir, { recursive: true });
	const unlock = lockForBackup(dir, 'restore');
	try {
		const pglite = await PGlite.create(dir, {
			loadDataDir: new Blob([await readFile(file)]),
			...embeddedOptions
		});
		await pglite.close();
	} finally {
		unlock();
	}
}

function readdirSafe(dir: string): string[] {
	try {
		return readdirSync(dir);
	} catch {
		return [];
	}
}
