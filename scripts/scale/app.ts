// The built app as a benchmark measures it: one process (WEB_CONCURRENCY=1, so its memory is one
// process's), production settings, mail to the outbox, warnings only in its log (one access line per
// request would be measured too). Shared by `npm run bench:scale` and `npm run bench:results`.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Builds the app if build/ is missing, starts it on `port` against `databaseUrl`, waits for /health. */
export async function startBuiltApp(options: {
	databaseUrl: string;
	port: number;
	log: (line: string) => void;
	/** Turns on /metrics with this token (the process's heap figures, read by the benchmark). */
	metricsToken?: string;
}): Promise<{ app: ChildProcess; output: () => string }> {
	const { databaseUrl, port, log, metricsToken } = options;
	const origin = `http://127.0.0.1:${port}`;
	if (!existsSync(path.join(root, 'build', 'index.js'))) {
		log('build/ is missing: running npm run build');
		if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }).status !== 0) {
			throw new Error('npm run build failed');
		}
	}
	const app = spawn(process.execPath, ['--expose-gc', 'scripts/serve.mjs'], {
		cwd: root,
		env: {
			...process.env,
			DATABASE_URL: databaseUrl,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			MAIL_TRANSPORT: process.env.MAIL_TRANSPORT ?? 'outbox',
			LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
			WEB_CONCURRENCY: '1',
			...(metricsToken ? { METRICS_TOKEN: metricsToken } : {})
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	app.stdout?.on('data', (chunk) => (output += chunk));
	app.stderr?.on('data', (chunk) => (output += chunk));
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (app.exitCode !== null) throw new Error(`The app exited:\n${output}`);
		const healthy = await fetch(`${origin}/health`).then(
			(response) => response.status === 200,
			() => false // not listening yet
		);
		if (healthy) return { app, output: () => output };
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	app.kill();
	throw new Error(`The app did not answer on ${origin} within 30 s:\n${output}`);
}
