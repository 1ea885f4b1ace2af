import { createServer, connect, type Server, type Socket } from 'node:net';
import { expect, test } from '@playwright/test';
import { freePort, OwnServer } from './helpers/own-server';

// A database outage (a restart, a failover, a cut network) must answer 503 "try again in a moment", not
// a 500: people then know to wait, and the ballot's retry logic can tell a passing outage from a fault.
// The app talks to PostgreSQL through a TCP proxy this test can cut and restore.

class CuttableProxy {
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	port = 0;

	constructor(
		private readonly host: string,
		private readonly targetPort: number
	) {}

	async open() {
		this.port ||= await freePort();
		const server = createServer((client) => {
			const upstream = connect(this.targetPort, this.host);
			for (const socket of [client, upstream]) {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
				socket.on('error', () => {});
			}
			client.pipe(upstream).pipe(client);
		});
		await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
		this.server = server;
	}

	/** Drops every connection and refuses new ones, as a stopped database server does. */
	async cut() {
		const server = this.server;
		this.server = undefined;
		for (const socket of this.sockets) socket.destroy();
		if (server) await new Promise((resolve) => server.close(resolve));
	}
}

test('pages, form actions, signed-in requests and health answer 503 during an outage, and recover', async () => {
	const databaseUrl = process.env.DATABASE_URL?.trim();
	test.skip(
		!databaseUrl,
		'The embedded database runs inside the app process: there is no connection to cut (run with TEST_DATABASE_URL).'
	);
	test.setTimeout(60_000);
	const target = new URL(databaseUrl!);
	const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
	await proxy.open();
	const viaProxy = new URL(databaseUrl!);
	viaProxy.hostname = '127.0.0.1';
	viaProxy.port = String(proxy.port);
	const server = new OwnServer({ DATABASE_URL: viaProxy.toString() });
	const get = (path: string, headers: Record<string, string> = {}) =>
		fetch(`${server.origin}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });
	const signInPost = (headers: Record<string, string> = {}) =>
		fetch(`${server.origin}/sign-in`, {
			method: 'POST',
			headers: { origin: server.origin, 'content-type': 'application/x-www-form-urlencoded', ...headers },
			body: 'email=outage%40example.test'
		});
	// A well-formed session token, so that the session lookup really asks the database.
	const session = { cookie: `podium_session=${'a'.repeat(32)}` };
	try {
		await server.start();
		expect((await get('/events/no-such-event')).status).toBe(404);

		await proxy.cut();
		const page = await get('/events/no-such-event');
		expect(page.status).toBe(503);
		expect(page.headers.get('retry-after')).toBe('5');
		expect(page.headers.get('cache-control')).toContain('no-store');
		const html = await page.text();
		expect(html).toContain('Podium cannot reach its database right now. Try again in a moment.');
		expect(html).not.toMatch(/reference [0-9a-f-]{36}/);

		expect((await get('/events/no-such-event', session)).status).toBe(503);
		expect((await signInPost()).status).toBe(503);
		// An enhanced form (use:enhance) gets JSON its client understands, with the same status.
		const enhanced = await signInPost({ accept: 'application/json', 'x-sveltekit-action': 'true' });
		expect(enhanced.status).toBe(503);
		expect(await enhanced.json()).toMatchObject({ type: 'error' });
		expect((await get('/health')).status).toBe(503);
		// The log says what happened in one line, without a stack trace.
		expect(server.log).toContain('the database is unreachable');
		expect(server.log).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

		await proxy.open();
		await expect.poll(async () => (await get('/events/no-such-event')).status, { timeout: 15_000 }).toBe(404);
		expect((await get('/health')).status).toBe(200);
	} finally {
		await server.dispose();
		await proxy.cut();
	}
});
