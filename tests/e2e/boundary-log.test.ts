import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { send } from './helpers/requests';

// What the operator reads in the server log when clients send bad requests: one line each, no stack.
// The Playwright web server's output goes to the runner, not to tests, so this test starts a second
// copy of the built app (same database settings, a port of its own) and reads what it prints.

interface Server {
	origin: string;
	log: () => string;
	stop: () => Promise<void>;
}

/** A port nothing listens on now: the system picks it, we let it go and hand it to the server. */
async function freePort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	return port;
}

async function startServer(): Promise<Server> {
	const dir = mkdtempSync(path.join(tmpdir(), 'podium-log-'));
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: origin,
		MAIL_OUTBOX_DIR: dir,
		MAIL_TRANSPORT: 'outbox'
	};
	if (!env.DATABASE_URL?.trim()) env.EMBEDDED_DATABASE_DIR = 'memory://';
	const child: ChildProcess = spawn(process.execPath, ['build'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (output.includes('Listening on')) return { origin, log: () => output, stop };
		if (child.exitCode !== null) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	await stop();
	throw new Error(`The server did not start:\n${output}`);
}

test('client errors are logged in one line each, without a stack trace', async ({ playwright }) => {
	test.setTimeout(90_000);
	const server = await startServer();
	const api = await playwright.request.newContext({ baseURL: server.origin });
	try {
		const form = (type: string, body: string | Buffer) =>
			send(api, '/sign-in', {
				method: 'POST',
				headers: { origin: server.origin, 'content-type': type },
				body
			});
		const requests: [string, number, () => ReturnType<typeof send>][] = [
			['415 text/plain', 415, () => form('text/plain', 'email=a@example.test')],
			['415 JSON', 415, () => form('application/json', '{"email":"a@example.test"}')],
			[
				'400 truncated multipart',
				400,
				() =>
					form(
						'multipart/form-data; boundary=XYZ',
						'--XYZ\r\nContent-Disposition: form-data; name="email"\r\n\r\na@ex'
					)
			],
			// adapter-node's BODY_SIZE_LIMIT is 512 KB by default.
			[
				'413 body too large',
				413,
				() => form('application/x-www-form-urlencoded', Buffer.alloc(600_000, 'a'))
			],
			['404 NUL in the path', 404, () => send(api, '/events/%00')],
			['400 NUL in the query', 400, () => send(api, '/sign-in?email=%00')],
			['400 NUL in a field', 400, () => form('application/x-www-form-urlencoded', 'email=a%00@example.test')],
			['400 malformed URI', 400, () => send(api, '/events/%E0%A4%A')]
		];
		const before = server.log().split('\n').length;
		for (const [what, status, request] of requests) {
			const answer = await request();
			expect(answer.status, what).toBe(status);
			expect(answer.body, what).not.toMatch(/^\s+at /m);
		}
		await new Promise((resolve) => setTimeout(resolve, 200)); // let the last lines arrive
		const lines = server
			.log()
			.split('\n')
			.slice(before - 1)
			.filter(Boolean);
		expect(lines.filter((line) => /^\s+at /.test(line) || /Error:|\{$/.test(line))).toEqual([]);
		expect(lines.length).toBe(requests.length);
		for (const [what, status] of requests) {
			expect(
				lines.some((line) => line.includes(` ${status} `)),
				`${what}: ${lines.join('\n')}`
			).toBe(true);
		}
	} finally {
		await api.dispose();
		await server.stop();
	}
});
