import { createServer, connect, type Server, type Socket } from 'node:net';
import { expect, test } from '@playwright/test';
import { freePort, OwnServer } from './helpers/own-server';

// A database outage (a restart, a failover, a cut network) must answer 503 "try again in a moment", not
// a 500: people then know to wait, and the ballot's retry logic can tell a passing outage from a fault.
// The app talks to PostgreSQL through a TCP proxy this test can cut and restore: a network cut, where
// tests/e2e/outages.test.ts stops a PostgreSQL server of its own (ballots flowing, a page's ballot).

class CuttableProxy {
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	port = 0;
	/** New connections are accepted and never answered, as by a server that vanished from the network. */
	silent = false;

	constructor(
		private readonly host: string,
		private readonly targetPort: number
	) {}

	async open() {
		this.port ||= await freePort();
		const server = createServer((client) => {
			if (this.silent) {
				this.sockets.add(client);
				client.on('error', () => {});
				return;
			}
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

	/** Drops every connection, then accepts new ones but never answers them. */
	async silence() {
		await this.cut();
		this.silent = true;
		await this.open();
	}
}

/** An app of the test's own whose connections to the database at `databaseUrl` go through a proxy. */
async function appBehindProxy(databaseUrl: string) {
	const target = new URL(databaseUrl);
	const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
	await proxy.open();
	const viaProxy = new URL(databaseUrl);
	viaProxy.hostname = '127.0.0.1';
	viaProxy.port = String(proxy.port);
	return { proxy, server: new OwnServer({ DATABASE_URL: viaProxy.toString() }) };
}

test('pages, form actions, signed-in requests and health answer 503 during an outage, and recover', async () => {
	const databaseUrl = process.env.DATABASE_URL?.trim();
	test.skip(
		!databaseUrl,
		'The embedded database runs inside the app process: there is no connection to cut (run with TEST_DATABASE_URL).'
	);
	test.setTimeout(60_000);
	const { proxy, server } = await appBehindProxy(databaseUrl!);
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
		expect(server.log).toContain('The database is unreachable');
		expect(server.log).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

		await proxy.open();
		await expect.poll(async () => (await get('/events/no-such-event')).status, { timeout: 15_000 }).toBe(404);
		expect((await get('/health')).status).toBe(200);
	} finally {
		await server.dispose();
		await proxy.cut();
	}
});

test('a database that stops answering without closing its connections costs a request 5 s, not a hang', async () => {
	const databaseUrl = process.env.DATABASE_URL?.trim();
	test.skip(!databaseUrl, 'Needs a PostgreSQL server to cut (run with TEST_DATABASE_URL).');
	test.setTimeout(60_000);
	const { proxy, server } = await appBehindProxy(databaseUrl!);
	const timedGet = async (path: string) => {
		const start = Date.now();
		const response = await fetch(`${server.origin}${path}`, {
			headers: { accept: 'text/html' },
			signal: AbortSignal.timeout(30_000)
		});
		return { status: response.status, ms: Date.now() - start, text: await response.text() };
	};
	try {
		await server.start();
		expect((await timedGet('/events/no-such-event')).status).toBe(404);

		// A failover or a cut cable: connections reach nothing, and nothing says no.
		await proxy.silence();
		// The pooled connections the cut ended fail at once; the next request needs a new one.
		expect((await timedGet('/events/no-such-event')).status).toBe(503);
		const page = await timedGet('/events/no-such-event');
		expect(page.status).toBe(503);
		expect(page.text).toContain('Try again in a moment');
		// The pool's connection timeout (5 s, src/lib/server/db.ts), not the operating system's minutes.
		expect(page.ms).toBeGreaterThanOrEqual(4_500);
		expect(page.ms).toBeLessThan(8_000);
		// The health check gives up after its own 2 s (src/lib/server/health.ts), before the pool's 5 s: on a
		// loaded two-core machine it answered after 3.2 s, so the bound sits between the two.
		const health = await timedGet('/health');
		expect(health.status).toBe(503);
		expect(health.ms).toBeLessThan(4_500);
	} finally {
		await server.dispose();
		await proxy.cut();
	}
});
