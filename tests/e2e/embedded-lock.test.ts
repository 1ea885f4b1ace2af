import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// The built app started twice on one embedded database directory, as an operator might by mistake:
// the second must not touch the files (its writes would be lost), and must say which process to stop.

function startApp(databaseDir: string, port: number) {
	const child = spawn(process.execPath, ['build'], {
		cwd: path.resolve(import.meta.dirname, '../..'),
		env: {
			...process.env,
			DATABASE_URL: '',
			EMBEDDED_DATABASE_DIR: databaseDir,
			MAIL_OUTBOX_DIR: path.join(databaseDir, '..', 'outbox'),
			MAIL_TRANSPORT: 'outbox',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const app = {
		child,
		output: '',
		exited: new Promise<number | null>((resolve) => child.on('exit', resolve))
	};
	child.stdout.on('data', (chunk) => (app.output += chunk));
	child.stderr.on('data', (chunk) => (app.output += chunk));
	return app;
}

async function waitUntilHealthy(port: number, app: ReturnType<typeof startApp>) {
	const deadline = Date.now() + 45_000;
	while (Date.now() < deadline) {
		if (app.child.exitCode !== null)
			throw new Error(`the app exited with ${app.child.exitCode}:\n${app.output}`);
		try {
			if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`the app did not start in 45 s:\n${app.output}`);
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
		});
	});
}

test('a second app on the same embedded database exits with one sentence naming the first', async () => {
	test.setTimeout(120_000);
	const scratch = mkdtempSync(path.join(tmpdir(), 'podium-lock-e2e-'));
	const databaseDir = path.join(scratch, 'pglite');
	const [firstPort, secondPort] = [await freePort(), await freePort()];
	const first = startApp(databaseDir, firstPort);
	const apps = [first];
	try {
		await waitUntilHealthy(firstPort, first);

		const second = startApp(databaseDir, secondPort);
		apps.push(second);
		const serving = waitUntilHealthy(secondPort, second).then(() => 'serving');
		expect(await Promise.race([second.exited, serving])).toBe(1);
		expect(second.output).toMatch(
			new RegExp(
				`^Podium cannot start: The embedded database at ${databaseDir} is already in use by process ` +
					`${first.child.pid} \\(node \\S+/build\\) since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC: ` +
					'stop that process first, or set DATABASE_URL to use a PostgreSQL server instead\\.\\n$'
			)
		);
		expect((await fetch(`http://127.0.0.1:${firstPort}/health`)).ok).toBe(true);

		// Stopped cleanly, the first lets the next one in.
		first.child.kill('SIGTERM');
		expect(await first.exited).toBe(0);
		expect(existsSync(path.join(databaseDir, 'podium.lock'))).toBe(false);
	} finally {
		for (const app of apps) app.child.kill('SIGKILL');
		rmSync(scratch, { recursive: true, force: true });
	}
});
