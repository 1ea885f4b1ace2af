import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { signIn, uniqueEmail } from './helpers/auth';
import { OwnServer } from './helpers/own-server';
import { createEvent, movePhase, submitProject } from './helpers/voting';

// The built app as an operator runs it in production: links only from ORIGIN whatever Host a client
// sends, a Content-Security-Policy under which every page still works, JSON logs with request ids, and
// /metrics behind its token. A server of this file's own, so that its log and its counters are ours.

const METRICS_TOKEN = 'e2e-metrics-token-0123456789';
// Started as `npm start` and the container image start it (scripts/serve.mjs).
const server = new OwnServer({ METRICS_TOKEN }, 'scripts/serve.mjs');

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
	test.setTimeout(90_000);
	await server.start();
});
test.afterAll(() => server.dispose());

/** One raw HTTP request, with exactly the headers given (Host included), for what no browser sends. */
function rawRequest(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
			let body = '';
			res.on('data', (chunk) => (body += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
		});
		req.on('error', reject);
		req.end(options.body);
	});
}

/** The server's log lines as objects (adapter-node's plain `Listening on …` line left out). */
function logRecords(): Record<string, unknown>[] {
	return server.log
		.split('\n')
		.filter((line) => line.trim() && !line.startsWith('Listening on'))
		.map((line) => JSON.parse(line));
}

/** The mail in the server's outbox addressed to `email`, quoted-printable decoded. */
function mailTo(email: string): string[] {
	let names: string[] = [];
	try {
		names = readdirSync(server.outbox).filter((name) => name.endsWith('.eml'));
	} catch {
		// no mail yet
	}
	return names
		.map((name) => readFileSync(path.join(server.outbox, name), 'utf8'))
		.filter((eml) => new RegExp(`^To: ${email}`, 'mi').test(eml))
		.map((eml) =>
			eml
				.replace(/=\r?\n/g, '')
				.replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
		);
}

async function metrics(token = METRICS_TOKEN) {
	return rawRequest(`${server.origin}/metrics`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
}

/** A metric's value in Prometheus text, e.g. sample(text, 'podium_ballots_total{result="accepted",reason="recorded"}'). */
function sample(text: string, series: string): number | undefined {
	const line = text.split('\n').find((l) => l.startsWith(`${series} `));
	return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Someone signed in on this file's server, in a browser context of their own that reports CSP violations. */
async function personHere(browser: Browser, name: string, violations: string[]) {
	const context = await browser.newContext({ baseURL: server.origin });
	const page = await context.newPage();
	page.on('console', (message) => {
		if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
	});
	page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
	const email = uniqueEmail(name.toLowerCase());
	await signIn(page, email, { profile: { firstName: name, lastName: 'Tester' }, outboxDir: server.outbox });
	return Object.assign(page, { email });
}

test('a forged Host or X-Forwarded-Host never reaches a sign-in link', async () => {
	const email = uniqueEmail('forged');
	const answer = await rawRequest(`${server.origin}/sign-in`, {
		method: 'POST',
		headers: {
			host: 'evil.example',
			'x-forwarded-host': 'evil.example',
			'x-forwarded-proto': 'https',
			forwarded: 'host=evil.example;proto=https',
			origin: server.origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: `email=${encodeURIComponent(email)}`
	});
	expect(answer.status).toBe(200);
	await expect.poll(() => mailTo(email).length).toBe(1);
	const [mail] = mailTo(email);
	const links = [...mail.matchAll(/https?:\/\/[^\s"'<>]+\/sign-in\/verify\?token=[a-z2-7]+/g)].map(
		(m) => m[0]
	);
	expect(links.length).toBeGreaterThan(0);
	for (const link of links) expect(new URL(link).origin).toBe(server.origin);
	expect(mail).not.toContain('evil.example');
});

test("every response has a request id, the proxy's when sane, and the log has it on every line", async () => {
	const given = await rawRequest(`${server.origin}/`, { headers: { 'x-request-id': 'proxy-req-0001' } });
	expect(given.headers['x-request-id']).toBe('proxy-req-0001');
	const insane = await rawRequest(`${server.origin}/`, { headers: { 'x-request-id': 'bad id"}' } });
	expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
	const missing = await rawRequest(`${server.origin}/no-such-page`);
	expect(missing.status).toBe(404);
	const generated = missing.headers['x-request-id'] as string;
	expect(generated).toMatch(/^[0-9a-f-]{36}$/);

	await expect.poll(() => logRecords().filter((r) => r.requestId === generated).length).toBe(1);
	const records = logRecords();
	const access = records.find((r) => r.requestId === 'proxy-req-0001');
	expect(access).toMatchObject({
		level: 'info',
		method: 'GET',
		route: '/',
		path: '/',
		status: 200,
		userId: null
	});
	expect(typeof access!.ms).toBe('number');
	expect(records.find((r) => r.requestId === generated)).toMatchObject({ route: null, status: 404 });
	expect(records.some((r) => r.requestId === 'bad id"}')).toBe(false);
	// Lines written while a request was handled carry its id: the outbox line of the forged request.
	const outboxLine = records.find((r) => String(r.msg).includes('is in the outbox'));
	expect(outboxLine?.requestId).toEqual(expect.any(String));
	expect(records.filter((r) => r.requestId === outboxLine!.requestId).map((r) => r.route)).toContain(
		'/sign-in'
	);
});

test("an idle connection stays open longer than a proxy's, so that a proxied post never meets a closing one", async () => {
	test.setTimeout(30_000);
	// One connection, two requests 6 s apart: Node's own default would have closed it after 5 s idle.
	const socket = connect(server.port, '127.0.0.1');
	let received = '';
	let closed = false;
	socket.on('data', (chunk) => (received += chunk));
	socket.on('close', () => (closed = true));
	const health = `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
	socket.write(health);
	await expect.poll(() => received).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\n/);
	expect(received.toLowerCase()).toContain('keep-alive: timeout=65');
	await new Promise((resolve) => setTimeout(resolve, 6_000));
	expect(closed).toBe(false);
	received = '';
	socket.write(health);
	await expect.poll(() => received).toMatch(/^HTTP\/1\.1 200 /);
	socket.destroy();
});

test('/metrics answers only to its token', async () => {
	for (const token of ['', 'wrong-token-0123456789', `${METRICS_TOKEN}x`]) {
		const refused = await metrics(token);
		expect(refused.status, token).toBe(401);
		expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"');
		expect(refused.body).not.toContain('podium_');
	}
	const answer = await metrics();
	expect(answer.status).toBe(200);
	expect(answer.headers['content-type']).toContain('text/plain');
	expect(answer.body).toContain('# TYPE podium_http_request_duration_seconds histogram');
	expect(answer.body).toContain('nodejs_eventloop_lag_seconds');
	expect(
		sample(answer.body, 'podium_http_request_duration_seconds_count{method="GET",route="/",status="200"}')
	).toBeGreaterThanOrEqual(2);
	expect(sample(answer.body, 'podium_sign_in_mails_total{result="sent"}')).toBe(1);
	// The embedded database has no connection pool to report.
	expect(answer.body).not.toContain('podium_database_pool_connections{');
});

test('pages run under the Content-Security-Policy: a live view, an enhanced ballot, the QR code; /metrics counts the ballots', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const violations: string[] = [];
	const owner = await personHere(browser, 'Olive', violations);
	const { slug, joinLink } = await createEvent(owner, 'CSP Fest');
	expect(new URL(joinLink).origin).toBe(server.origin);
	await submitProject(await personHere(browser, 'Rita', violations), joinLink, 'Robot Arm');
	await submitProject(await personHere(browser, 'Sol', violations), joinLink, 'Solar Kite');
	const voter = await personHere(browser, 'Vic', violations);
	await submitProject(voter, joinLink, 'My Own Thing');
	await movePhase(owner, slug, 'voting');

	// The page's policy: own scripts by nonce, own styles, no inline style attributes.
	const page = await rawRequest(`${server.origin}/events/${slug}`);
	const csp = page.headers['content-security-policy'] as string;
	expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
	expect(csp).toContain("style-src 'self'");
	expect(csp).not.toContain('unsafe-inline');
	expect(csp).toContain("frame-ancestors 'none'");
	expect(page.headers['strict-transport-security']).toBeUndefined(); // ORIGIN is http here

	// The QR code of the join link (a data: image) shows, and points at ORIGIN.
	await owner.goto(`/events/${slug}/admin/joining`);
	const qr = owner.getByTestId('join-qr');
	await expect(qr).toBeVisible();
	await expect(qr).toHaveAttribute('alt', `QR code of the join link ${joinLink}`);
	expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

	// The owner's live view: an EventSource to the app itself.
	await owner.goto(`/events/${slug}/leaderboard`);
	await expect(owner.getByText('Live', { exact: true })).toBeVisible();
	await expect.poll(async () => sample((await metrics()).body, 'podium_live_view_connections')).toBe(1);

	// The ballot with JavaScript: a live count of picks, refused for too many, then saved, in place.
	await voter.goto(`/events/${slug}/vote`);
	await expect(voter.getByTestId('pick-count')).toHaveText('0 of 1 picked.');
	await voter.getByLabel('Robot Arm').check();
	await voter.getByLabel('Solar Kite').check();
	await voter.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(voter.getByRole('alert')).toContainText('You can pick at most 1 project');
	await voter.getByLabel('Solar Kite').uncheck();
	await voter.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(voter.getByTestId('ballot-saved')).toContainText('Your ballot is saved');
	await expect(owner.getByTestId('turnout')).toHaveText('1 of 3 attendees have voted (33%).');

	// A ballot form that cannot be read.
	const unreadable = await voter.request.post(`/events/${slug}/vote`, {
		headers: { origin: server.origin, accept: 'text/html' },
		form: { project: 'not-a-project' }
	});
	expect(unreadable.status()).toBe(400);

	const counted = (await metrics()).body;
	expect(sample(counted, 'podium_ballots_total{result="accepted",reason="recorded"}')).toBe(1);
	expect(sample(counted, 'podium_ballots_total{result="refused",reason="too_many"}')).toBe(1);
	expect(sample(counted, 'podium_ballots_total{result="refused",reason="unreadable"}')).toBe(1);
	expect(sample(counted, 'podium_sign_in_mails_total{result="sent"}')).toBe(5);

	// Leaving the live view closes its stream.
	await owner.goto(`/events/${slug}`);
	await expect.poll(async () => sample((await metrics()).body, 'podium_live_view_connections')).toBe(0);

	expect(violations).toEqual([]);

	// Signed-in requests name their user in the access line; no line anywhere holds a sign-in token.
	const records = logRecords();
	expect(
		records.some(
			(r) => r.route === '/events/[slug]/vote' && r.method === 'POST' && typeof r.userId === 'string'
		)
	).toBe(true);
	expect(server.log).not.toMatch(/token=|\/sign-in\/verify\?/);
});

test('without METRICS_TOKEN there is no /metrics', async ({ request }) => {
	// The suite's shared server has no METRICS_TOKEN.
	const answer = await request.get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
	expect(answer.status()).toBe(404);
});
