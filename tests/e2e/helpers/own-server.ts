import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { applyMigrations, type SqlConnection } from '../../../src/lib/server/migrations';

/**
 * An app instance of a test's own (the built app, as `node build`), by default on an embedded database
 * the test seeds and can change while the app is stopped: for imported users, restarts and outages.
 * `env` overrides the environment, e.g. a DATABASE_URL; `entry` 'scripts/serve.mjs' starts it as
 * `npm start` and the container image do.
 */
export class OwnServer {
	readonly dir = mkdtempSync(path.join(tmpdir(), 'podium-auth-e2e-'));
	readonly databaseDir = path.join(this.dir, 'pglite');
	readonly outbox = path.join(this.dir, 'outbox');
	port = 0;
	log = '';
	private child?: ChildProcess;

	constructor(
		private readonly env: Record<string, string> = {},
		private readonly entry: 'build' | 'scripts/serve.mjs' = 'build'
	) {}

	get origin() {
		return `http://127.0.0.1:${this.port}`;
	}

	async withDatabase<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
		const db = await PGlite.create(this.databaseDir, { extensions: { pg_trgm } });
		try {
			await applyMigrations(db as unknown as SqlConnection);
			return await fn(db);
		} finally {
			await db.close();
		}
	}

	async start() {
		this.port ||= await freePort();
		const child = spawn(process.execPath, [this.entry], {
			cwd: path.resolve(import.meta.dirname, '../../..'),
			env: {
				...process.env,
				DATABASE_URL: '',
				EMBEDDED_DATABASE_DIR: this.databaseDir,
				MAIL_OUTBOX_DIR: this.outbox,
				MAIL_TRANSPORT: 'outbox',
				PORT: String(this.port),
				HOST: '127.0.0.1',
				ORIGIN: this.origin,
				// adapter-node waits this long for the browser's keep-alive connections when stopped.
				SHUTDOWN_TIMEOUT: '1',
				...this.env
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.child = child;
		child.stdout?.on('data', (chunk) => (this.log += chunk));
		child.stderr?.on('data', (chunk) => (this.log += chunk));
		const deadline = Date.now() + 90_000; // a loaded machine takes its time
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${this.log}`);
			try {
				if ((await fetch(`${this.origin}/health`)).ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error('the app did not start in 30 s');
	}

	async stop() {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		// A stop as an orchestrator does it: ask politely, then kill. Either way the data must be kept.
		const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
		await exited;
		clearTimeout(timer);
	}

	/** Kills the app as a crash or the kernel's OOM killer does (SIGKILL), and waits until it is gone. */
	async crash() {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}

	async dispose() {
		await this.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
		});
	});
}
