import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The directory of PostgreSQL's server programs (initdb, pg_ctl): PG_BINDIR, else `pg_config --bindir`,
 * else the newest /usr/lib/postgresql/<version>/bin (Debian's layout, which keeps them off PATH).
 * Undefined when none is installed.
 */
export async function findPostgresBin(): Promise<string | undefined> {
	const hasInitdb = (dir: string | undefined) => !!dir && existsSync(path.join(dir, 'initdb'));
	if (process.env.PG_BINDIR) return hasInitdb(process.env.PG_BINDIR) ? process.env.PG_BINDIR : undefined;
	try {
		const { stdout } = await run('pg_config', ['--bindir']);
		if (hasInitdb(stdout.trim())) return stdout.trim();
	} catch {
		// no pg_config on PATH
	}
	const debian = '/usr/lib/postgresql';
	const versions = existsSync(debian)
		? readdirSync(debian)
				.filter((name) => /^\d+$/.test(name))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	return versions.map((version) => path.join(debian, version, 'bin')).find(hasInitdb);
}

/** How a cluster stops: `fast` as a planned restart does (sessions told, then ended), `immediate` as a crash. */
export type StopMode = 'fast' | 'immediate';

/**
 * A PostgreSQL cluster of a test's own: its own data directory and port, created, started, stopped and
 * removed by the test, so that it can take the database away without touching the shared server. fsync
 * and synchronous commit are on, as in production: a committed transaction survives any stop.
 *
 * initdb refuses to run as root: as root (CI) the programs run as the `postgres` OS user, which then owns
 * the directory.
 */
export class OwnCluster {
	readonly bin: string;
	readonly port: number;
	readonly root: string;
	readonly dataDir: string;
	private running = false;

	// Plain fields rather than parameter properties: Node's type stripping runs this file too.
	private constructor(bin: string, port: number) {
		this.bin = bin;
		this.port = port;
		this.root = mkdtempSync(path.join(tmpdir(), 'podium-cluster-'));
		this.dataDir = path.join(this.root, 'data');
	}

	/** Creates (initdb) a cluster on 127.0.0.1:`port`; it is not started yet. */
	static async create(bin: string, port: number): Promise<OwnCluster> {
		const cluster = new OwnCluster(bin, port);
		if (process.getuid?.() === 0) {
			const { stdout } = await run('id', ['-u', 'postgres']);
			const { stdout: group } = await run('id', ['-g', 'postgres']);
			chownSync(cluster.root, Number(stdout.trim()), Number(group.trim()));
		}
		// --no-sync skips flushing initdb's own files only (a crash of the whole machine could lose them);
		// the running cluster flushes every commit.
		await cluster.pg('initdb', [
			'-D',
			cluster.dataDir,
			'-A',
			'trust',
			'-U',
			'postgres',
			'-E',
			'UTF8',
			'--no-sync'
		]);
		return cluster;
	}

	/** The URL of `database` on this cluster. */
	url(database = 'postgres'): string {
		return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
	}

	/** Starts the cluster and waits until it accepts connections. */
	async start(): Promise<void> {
		const settings = [
			`-p ${this.port}`,
			"-c listen_addresses='127.0.0.1'",
			`-c unix_socket_directories='${this.root}'`,
			'-c fsync=on',
			'-c synchronous_commit=on',
			'-c max_connections=40',
			'-c shared_buffers=16MB'
		].join(' ');
		const log = path.join(this.root, 'postgres.log');
		try {
			await this.pg('pg_ctl', ['-D', this.dataDir, '-l', log, '-o', settings, '-w', '-t', '60', 'start']);
		} catch (error) {
			// Say why (a port still taken by a cluster a killed test run left behind, say).
			throw new Error(`${(error as Error).message}\n${this.serverLog().slice(-2_000)}`, { cause: error });
		}
		this.running = true;
	}

	/** Stops the cluster in `mode` and waits until it is down. */
	async stop(mode: StopMode = 'fast'): Promise<void> {
		await this.pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
		this.running = false;
	}

	/** Stops the cluster in `mode`, waits `downMs`, and starts it again. */
	async restart(mode: StopMode = 'fast', downMs = 0): Promise<void> {
		await this.stop(mode);
		await new Promise((resolve) => setTimeout(resolve, downMs));
		await this.start();
	}

	/** The server's own log, for a failing test's report. */
	serverLog(): string {
		try {
			return readFileSync(path.join(this.root, 'postgres.log'), 'utf8');
		} catch {
			return '';
		}
	}

	/** Stops the cluster if it runs (at once: its data is about to go) and deletes its directory. */
	async remove(): Promise<void> {
		if (this.running) await this.stop('immediate').catch(() => {});
		rmSync(this.root, { recursive: true, force: true });
	}

	/** Runs one of PostgreSQL's programs, as the `postgres` OS user when we are root. */
	private async pg(program: string, args: string[]): Promise<void> {
		const file = path.join(this.bin, program);
		const [command, commandArgs] =
			process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
		try {
			await run(command, commandArgs, { cwd: this.root });
		} catch (error) {
			const { stderr, stdout } = error as { stderr?: string; stdout?: string };
			throw new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || error}`, {
				cause: error
			});
		}
	}
}
