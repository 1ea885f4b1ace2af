import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn, uniqueEmail } from './helpers/auth';
import { freePort, OwnServer } from './helpers/own-server';
import { createEvent, movePhase } from './helpers/voting';

// deploy/nginx.conf, run by Debian's nginx in front of the built app, as compose.yaml runs it in front
// of the app containers: the operator's checks of a reverse proxy. Only the addresses change: nginx
// listens on a free port instead of 80, and its upstream is this test's app instead of `app:3000`.

const nginx = process.env.NGINX_PATH?.trim() || '/usr/sbin/nginx';
test.skip(!existsSync(nginx), `nginx is not installed at ${nginx} (Debian: apt-get install nginx-light).`);
test.describe.configure({ mode: 'serial' });

const root = path.resolve(import.meta.dirname, '../..');
const CLIENT_LIMIT = 3;

/** deploy/nginx.conf with this test's addresses and its temporary files in `dir`. */
function proxyConfig(dir: string, listenPort: number, appPort: number): string {
	const original = readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
	const replace = (text: string, from: string, to: string) => {
		if (!text.includes(from)) throw new Error(`deploy/nginx.conf no longer contains "${from}"`);
		return text.replace(from, to);
	};
	let config = replace(original, 'server app:3000 ', `server 127.0.0.1:${appPort} `);
	config = replace(config, 'listen 80;', `listen 127.0.0.1:${listenPort};`);
	config = replace(config, 'access_log /dev/stdout podium;', `access_log ${dir}/access.log podium;`);
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
		.map((kind) => `${kind}_temp_path ${dir}/${kind};`)
		.join(' ');
	return replace(config, 'http {', `http {\n\t${temp}`);
}

class Proxy {
	readonly dir = mkdtempSync(path.join(tmpdir(), 'podium-proxy-'));
	readonly config = path.join(this.dir, 'nginx.conf');
	port = 0;
	output = '';
	private child?: ChildProcess;

	get origin() {
		return `http://127.0.0.1:${this.port}`;
	}

	/** `nginx -t` on the config: status and what it said. */
	check(appPort: number) {
		writeFileSync(this.config, proxyConfig(this.dir, this.port, appPort));
		const result = spawnSync(nginx, this.args('-t'), { encoding: 'utf8' });
		return { status: result.status, output: result.stdout + result.stderr };
	}

	async start(appPort: number) {
		const { status, output } = this.check(appPort);
		if (status !== 0) throw new Error(`nginx -t failed:\n${output}`);
		const child = spawn(nginx, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		child.stdout?.on('data', (chunk) => (this.output += chunk));
		child.stderr?.on('data', (chunk) => (this.output += chunk));
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${this.output}`);
			if ((await get(this.origin, '/health').catch(() => undefined))?.status === 200) return;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error(`nginx did not answer in 10 s:\n${this.output}`);
	}

	accessLog(): string {
		return existsSync(`${this.dir}/access.log`) ? readFileSync(`${this.dir}/access.log`, 'utf8') : '';
	}

	async dispose() {
		const child = this.child;
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGQUIT');
			await exited;
		}
		rmSync(this.dir, { recursive: true, force: true });
	}

	private args(...extra: string[]) {
		mkdirSync(this.dir, { recursive: true });
		return ['-p', this.dir, '-c', this.config, '-g', `daemon off; pid ${this.dir}/nginx.pid;`, ...extra];
	}
}

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

interface Request {
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	/** The client's own address: any 127.x.y.z reaches nginx on 127.0.0.1 (Linux). */
	localAddress?: string;
}

/** One request with plain node:http: the bytes as they came (no decompression), from a chosen address. */
function get(origin: string, pathname: string, request: Request = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			new URL(pathname, origin),
			{ method: request.method ?? 'GET', headers: request.headers, localAddress: request.localAddress },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.concat(chunks).toString('latin1')
					})
				);
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(request.body);
	});
}

const outbox = mkdtempSync(path.join(tmpdir(), 'podium-proxy-outbox-'));
const proxy = new Proxy();
let app: OwnServer;

test.beforeAll(async () => {
	test.setTimeout(60_000);
	proxy.port = await freePort();
	// The app as compose.yaml configures it behind nginx; its public origin is the proxy's. Its own
	// embedded database even when the suite runs on a server: the per-client sign-in counts below must
	// start at zero on every run (on a shared database they would last the 15-minute window).
	app = new OwnServer({
		ORIGIN: proxy.origin,
		ADDRESS_HEADER: 'X-Forwarded-For',
		XFF_DEPTH: '1',
		SIGN_IN_CLIENT_LIMIT: String(CLIENT_LIMIT),
		MAIL_OUTBOX_DIR: outbox,
		LOG_LEVEL: 'info'
	});
	await app.start();
	await proxy.start(app.port);
});

test.afterAll(async () => {
	await proxy.dispose();
	await app?.dispose();
	rmSync(outbox, { recursive: true, force: true });
});

test('Debian’s nginx accepts deploy/nginx.conf', () => {
	const { status, output } = proxy.check(app.port);
	expect(output).toContain('syntax is ok');
	expect(status).toBe(0);
});

test('pages and scripts arrive compressed through the proxy', async () => {
	const page = await get(proxy.origin, '/', { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
	expect(page.status).toBe(200);
	expect(page.headers['content-type']).toContain('text/html');
	expect(page.headers['content-encoding']).toBe('gzip');
	expect(page.headers['vary']).toContain('Accept-Encoding');

	const plain = await get(proxy.origin, '/', { headers: { accept: 'text/html' } });
	expect(plain.headers['content-encoding'], 'a client that cannot unzip gets plain HTML').toBeUndefined();
	const script = plain.body.match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(script, 'the page loads a script').toBeTruthy();
	const asset = await get(proxy.origin, script!, { headers: { 'accept-encoding': 'gzip' } });
	expect(asset.status).toBe(200);
	expect(asset.headers['content-encoding']).toBe('gzip');
});

test('the request id: the client’s sane one is passed on and echoed, otherwise nginx makes one', async () => {
	const given = 'proxy-test-0123456789';
	const echoed = await get(proxy.origin, '/', { headers: { accept: 'text/html', 'x-request-id': given } });
	expect(echoed.headers['x-request-id']).toBe(given);

	const made = await get(proxy.origin, '/', { headers: { accept: 'text/html' } });
	const id = String(made.headers['x-request-id']);
	// nginx's $request_id (32 hex digits), not the app's own UUID: the app got it from nginx.
	expect(id).toMatch(/^[0-9a-f]{32}$/);

	const insane = await get(proxy.origin, '/', { headers: { accept: 'text/html', 'x-request-id': 'no' } });
	expect(String(insane.headers['x-request-id'])).toMatch(/^[0-9a-f]{32}$/);

	// The same id in nginx's access log and in the app's: one search finds the request in both.
	await expect.poll(() => proxy.accessLog()).toContain(`request_id=${given}`);
	expect(proxy.accessLog()).toContain(`request_id=${id}`);
	await expect.poll(() => app.log).toContain(`"requestId":"${given}"`);
	expect(app.log).toContain(`"requestId":"${id}"`);
});

test('the app sees each client’s own address: per-client limits hold, and a forged X-Forwarded-For does not escape them', async () => {
	const askForLink = (localAddress: string, headers: Record<string, string> = {}) =>
		get(proxy.origin, '/sign-in', {
			method: 'POST',
			localAddress,
			headers: {
				accept: 'text/html',
				origin: proxy.origin,
				'content-type': 'application/x-www-form-urlencoded',
				...headers
			},
			body: new URLSearchParams({ email: uniqueEmail('proxy') }).toString()
		});

	for (let i = 0; i < CLIENT_LIMIT; i++) expect((await askForLink('127.0.0.2')).status).toBe(200);
	const limited = await askForLink('127.0.0.2');
	expect(limited.status).toBe(429);
	expect(limited.body).toContain('Too many sign-in requests');
	// A client that claims another address is still known by the one nginx saw.
	expect((await askForLink('127.0.0.2', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
	// Another client behind the same proxy is not held back by the first one's requests.
	expect((await askForLink('127.0.0.3')).status).toBe(200);
});

test('a live view’s events pass through the proxy as they happen, uncompressed', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: proxy.origin });
	const owner = await context.newPage();
	await signIn(owner, uniqueEmail('proxy-owner'), { outboxDir: outbox, profile: { firstName: 'Olive' } });
	const { slug } = await createEvent(owner, 'Proxy Jam');
	const cookie = (await context.cookies(proxy.origin)).find((c) => c.name === 'podium_session');
	expect(cookie).toBeTruthy();

	const messages: string[] = [];
	let ended = false;
	const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
		const req = http.get(
			new URL(`/events/${slug}/live`, proxy.origin),
			{
				headers: {
					accept: 'text/event-stream',
					'accept-encoding': 'gzip',
					cookie: `podium_session=${cookie!.value}`
				}
			},
			resolve
		);
		req.on('error', reject);
	});
	try {
		expect(response.statusCode).toBe(200);
		expect(response.headers['content-type']).toContain('text/event-stream');
		expect(response.headers['content-encoding']).toBeUndefined();
		response.setEncoding('utf8');
		response.on('data', (chunk: string) =>
			messages.push(...chunk.split('\n\n').filter((m) => m.startsWith('data:')))
		);
		response.on('end', () => (ended = true));

		// The snapshot the stream opens with arrives while the stream stays open ...
		await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(1);
		expect(JSON.parse(messages[0].slice('data:'.length)).phase).toBe('submission');
		// ... and so does the next one, a few hundred milliseconds after the owner changes the event.
		await movePhase(owner, slug, 'voting');
		await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(2);
		expect(JSON.parse(messages[1].slice('data:'.length)).phase).toBe('voting');
		expect(ended).toBe(false);
	} finally {
		response.destroy();
		await context.close();
	}
});
