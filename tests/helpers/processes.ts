import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * A `node` child process that answers on stdout with one JSON object a line (see
 * tests/helpers/database-process.ts): the first says it started, each later one answers a command.
 * Other lines are only kept in `stdout`.
 */
export class JsonLineProcess {
	readonly child: ChildProcess;
	stdout = '';
	stderr = '';
	/** Resolves to the first message, or to undefined when the process exits before sending one. */
	readonly started: Promise<Record<string, unknown> | undefined>;
	/** The exit status (null when killed by a signal). */
	readonly exited: Promise<number | null>;
	private waiting: ((message: Record<string, unknown> | undefined) => void)[] = [];

	constructor(args: string[], env: NodeJS.ProcessEnv) {
		this.child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
		this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
		const lines = createInterface({ input: this.child.stdout! });
		lines.on('line', (line) => {
			this.stdout += `${line}\n`;
			if (line.startsWith('{')) this.waiting.shift()?.(JSON.parse(line));
		});
		this.started = this.next();
		this.exited = new Promise((resolve) =>
			this.child.on('exit', (code) => {
				this.waiting.splice(0).forEach((resolve) => resolve(undefined));
				resolve(code);
			})
		);
	}

	get pid(): number {
		return this.child.pid!;
	}

	/** Sends a command line and resolves to the answer. */
	ask(command: string): Promise<Record<string, unknown> | undefined> {
		const answer = this.next();
		this.child.stdin!.write(`${command}\n`);
		return answer;
	}

	/** Kills the process as a crash or an impatient operator would, and waits until it is gone. */
	async crash(): Promise<void> {
		this.child.kill('SIGKILL');
		await this.exited;
	}

	private next() {
		return new Promise<Record<string, unknown> | undefined>((resolve) => this.waiting.push(resolve));
	}
}

/** A process that opens the embedded database in `dir` through src/lib/server/db.ts. */
export function openDatabaseProcess(dir: string): JsonLineProcess {
	return new JsonLineProcess(['tests/helpers/database-process.ts'], {
		DATABASE_URL: '',
		EMBEDDED_DATABASE_DIR: dir
	});
}

/** A process that takes the locks of `count` directories in `parent`, from the time `at` on. */
export function lockProcess(parent: string, count: number, at = Date.now()): JsonLineProcess {
	return new JsonLineProcess(['tests/helpers/lock-process.ts', parent, String(count), String(at)], {});
}
