import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { generateToken, hashToken } from '../../src/lib/server/auth/tokens';
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

/** A voter signed in (session token) in a new event in `voting` with one project by someone else. */
async function seedBallot(databaseUrl: string) {
	const token = generateToken();
	const [owner, maker, voter, event, project] = Array.from({ length: 5 }, () => randomUUID());
	const code = () => randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase();
	const slug = `outage-fest-${event.slice(0, 8)}`;
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		await client.query(
			`INSERT INTO users (id, email, first_name, display_name, profile_completed_at)
			 SELECT id, id::text || '@example.test', 'Tester', 'Tester T.', now() FROM unnest($1::uuid[]) AS id`,
			[[owner, maker, voter]]
		);
		await client.query(
			`INSERT INTO events (id, name, slug, join_code, owner_id, phase) VALUES ($1, 'Outage Fest', $2, $3, $4, 'submission')`,
			[event, slug, code(), owner]
		);
		await client.query(`INSERT INTO event_attendees (event_id, user_id) VALUES ($1, $2), ($1, $3)`, [
			event,
			maker,
			voter
		]);
		await client.query(
			`INSERT INTO projects (id, name, join_code, owner_id, event_id) VALUES ($1, 'Kite Cam', $2, $3, $4)`,
			[project, code(), maker, event]
		);
		await client.query(`UPDATE events SET phase = 'voting' WHERE id = $1`, [event]);
		await client.query(
			`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`,
			[hashToken(token), voter]
		);
	} finally {
		await client.end();
	}
	return { token, slug };
}

test('a ballot sent during a database outage waits, and is saved when the database is back', async ({
	browser
}) => {
	const databaseUrl = process.env.DATABASE_URL?.trim();
	test.skip(!databaseUrl, 'Needs a PostgreSQL server to cut (run with TEST_DATABASE_URL).');
	test.setTimeout(90_000);
	const { proxy, server } = await appBehindProxy(databaseUrl!);
	try {
		const { token, slug } = await seedBallot(databaseUrl!);
		await server.start();
		const context = await browser.newContext({ baseURL: server.origin });
		await context.addCookies([{ name: 'podium_session', value: token, url: server.origin }]);
		const page = await context.newPage();
		const status = page.getByTestId('ballot-status');
		await page.goto(`/events/${slug}/vote`);
		await expect(status).toBeAttached();
		await page.getByLabel('Kite Cam').check();

		await proxy.cut();
		const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 503);
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		expect((await refused).headers()['retry-after']).toBe('5');
		// Retry-After: 5 is honoured: the next try is 5 to 6 s away.
		await expect(status).toHaveText(/Not sent yet — retrying in [56] s/);
		await expect(page.getByLabel('Kite Cam')).toBeChecked();

		await proxy.open();
		await expect(status).toHaveText(/^Saved at \d{1,2}:\d{2}/, { timeout: 40_000 });
		await page.reload();
		await expect(page.getByLabel('Kite Cam')).toBeChecked();
		await context.close();
	} finally {
		await server.dispose();
		await proxy.cut();
	}
});
