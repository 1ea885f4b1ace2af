import { expect, test, type APIRequestContext } from '@playwright/test';
import {
	multipart,
	post,
	send,
	showsStack,
	truncatedMultipart,
	urlencoded,
	type Answer
} from './helpers/requests';
import { discoverRoutes, pathOf, type RouteInfo } from './helpers/routes';
import {
	actionUrl,
	buildWalkFixture,
	realParams,
	snapshot,
	validValue,
	type WalkFixture
} from './helpers/walk-fixture';

// The request boundary, for every route and form action the file system declares, as a signed-out
// visitor, as an attendee and as the event's owner: text PostgreSQL cannot store (NUL) in a path
// parameter, a query string or a form field, bodies that are not forms or are cut short, and the
// caching of pages rendered for a signed-in person. Each test lists every request that went wrong.

const NUL = '\u0000';
const routes = discoverRoutes();
const withActions = routes.filter((route) => route.actions.length > 0);
// Actions that end a session or delete the event go last, so that a failure earlier in the walk
// cannot take the fixture away from the requests after it.
const LAST = ['signOutEverywhere', 'deleteEvent'];
const actions = withActions
	.flatMap((route) => route.actions.map((action) => ({ route, action })))
	.sort(
		(a, b) =>
			Number(LAST.includes(a.action) || a.route.id === '/sign-out') -
			Number(LAST.includes(b.action) || b.route.id === '/sign-out')
	);

let fx: WalkFixture;

test.beforeAll(async ({ browser, playwright }, testInfo) => {
	test.setTimeout(120_000);
	const origin = testInfo.project.use.baseURL!;
	const signedOut = await playwright.request.newContext({ baseURL: origin });
	fx = await buildWalkFixture(browser, signedOut, origin);
});

test.afterAll(async () => {
	await fx?.owner.close();
	await fx?.attendee.close();
});

/** What a refusal must look like: the expected status, a sentence for people, no stack, no 5xx. */
function judge(problems: string[], label: string, answer: Answer, statuses: number[], says: RegExp) {
	const fine = statuses.includes(answer.status) && says.test(answer.body) && !showsStack(answer.body);
	if (!fine) problems.push(`${label} → ${answer.status} ${answer.body.replace(/\s+/g, ' ').slice(0, 140)}`);
}

/** Every field of the route's forms with a value it accepts. */
function goodFields(route: RouteInfo): [string, string][] {
	return route.fields.map((field) => [field, validValue(route, field, fx)]);
}

test('the walker finds every route, page, endpoint, parameter and action', () => {
	expect(routes.length).toBeGreaterThanOrEqual(36);
	expect(routes.filter((route) => route.page).length).toBeGreaterThanOrEqual(30);
	expect(routes.filter((route) => route.endpoint).length).toBeGreaterThanOrEqual(6);
	expect(routes.filter((route) => route.params.length > 0).length).toBeGreaterThanOrEqual(24);
	expect(actions.length).toBeGreaterThanOrEqual(25);
	expect(routes.flatMap((route) => route.fields).length).toBeGreaterThanOrEqual(40);
	// Spot checks that the parsing reads what the files say.
	const byId = (id: string) => routes.find((route) => route.id === id)!;
	expect(byId('/events/[slug]/admin').actions).toEqual([
		'save',
		'saveShortlist',
		'saveSchedule',
		'saveListing',
		'changePhase',
		'deleteEvent'
	]);
	expect(byId('/events/[slug]/projects/new').fields).toContain('hoursSpent');
	expect(byId('/events/[slug]/admin/attendees').fields).toContain('q');
	expect(byId('/profile').fields).toContain('dob');
});

test('NUL in a path parameter is not found, on every route and action, for everyone', async () => {
	test.setTimeout(180_000);
	const problems: string[] = [];
	for (const role of fx.roles) {
		for (const route of routes.filter((r) => r.params.length > 0)) {
			for (const param of route.params) {
				for (const bad of ['%00', `${encodeURIComponent(realParams(route, fx)[param])}%00`]) {
					const path = pathOf(route, { ...realParams(route, fx), [param]: bad });
					const label = `${role.name} GET ${path}`;
					judge(problems, label, await send(role.ctx, path), [400, 404], /not allowed/);
					for (const action of route.actions) {
						const url = actionUrl(path, action);
						const answer = await post(role.ctx, fx.origin, url, urlencoded(goodFields(route)));
						judge(problems, `${role.name} POST ${url}`, answer, [400, 404], /not allowed/);
					}
				}
			}
		}
	}
	expect(problems).toEqual([]);
});

test('NUL in a query string key or value is refused with 400, on every page and endpoint', async () => {
	test.setTimeout(180_000);
	const problems: string[] = [];
	for (const role of fx.roles) {
		for (const route of routes.filter((r) => r.page || r.endpoint)) {
			const path = pathOf(route, realParams(route, fx));
			for (const query of ['q=%00', 'q=walk%00ed', '%00=walk', 'redirectTo=/events%00']) {
				const url = `${path}?${query}`;
				judge(problems, `${role.name} GET ${url}`, await send(role.ctx, url), [400], /not allowed/);
			}
		}
		for (const { route, action } of actions) {
			const url = `${actionUrl(pathOf(route, realParams(route, fx)), action)}${action === 'default' ? '?' : '&'}walk=%00`;
			const answer = await post(role.ctx, fx.origin, url, urlencoded(goodFields(route)));
			judge(problems, `${role.name} POST ${url}`, answer, [400], /not allowed/);
		}
	}
	expect(problems).toEqual([]);
});

test('NUL in any form field name or value is refused with 400 and changes nothing', async () => {
	test.setTimeout(300_000);
	const before = await snapshot(fx);
	const problems: string[] = [];
	for (const role of fx.roles) {
		for (const { route, action } of actions) {
			const url = actionUrl(pathOf(route, realParams(route, fx)), action);
			const good = goodFields(route);
			const variants: [string, [string, string][]][] = good.map(([field], i) => [
				`${field}=…NUL…`,
				good.map(([name, value], j): [string, string] => [name, j === i ? `${value}${NUL}x` : value])
			]);
			variants.push(['NUL field name', [...good, [`walk${NUL}`, 'x']]]);
			for (const [what, fields] of variants) {
				const answer = await post(role.ctx, fx.origin, url, urlencoded(fields));
				judge(problems, `${role.name} POST ${url} (${what})`, answer, [400], /not allowed/);
			}
			const [what, fields] = variants[0];
			const answer = await post(role.ctx, fx.origin, url, multipart(fields));
			judge(problems, `${role.name} POST ${url} (multipart, ${what})`, answer, [400], /not allowed/);
		}
	}
	const after = await snapshot(fx);
	for (const page of Object.keys(before)) {
		if (after[page] !== before[page]) problems.push(`changed: ${page}`);
	}
	expect(problems).toEqual([]);
});

test('an action posted as text/plain, JSON or a truncated multipart body gets 415 or 400', async () => {
	test.setTimeout(180_000);
	const problems: string[] = [];
	for (const role of fx.roles) {
		for (const { route, action } of actions) {
			const url = actionUrl(pathOf(route, realParams(route, fx)), action);
			const fields = goodFields(route);
			const plain = { type: 'text/plain', body: fields.map(([k, v]) => `${k}=${v}`).join('\n') };
			const json = { type: 'application/json', body: JSON.stringify(Object.fromEntries(fields)) };
			const says415 = /form|application\/x-www-form-urlencoded/i;
			judge(
				problems,
				`${role.name} POST ${url} text/plain`,
				await post(role.ctx, fx.origin, url, plain),
				[415],
				says415
			);
			judge(
				problems,
				`${role.name} POST ${url} JSON`,
				await post(role.ctx, fx.origin, url, json),
				[415],
				says415
			);
			const cut = truncatedMultipart(fields);
			judge(
				problems,
				`${role.name} POST ${url} truncated`,
				await post(role.ctx, fx.origin, url, cut),
				[400],
				/could not be read/
			);
		}
	}
	expect(problems).toEqual([]);
});

test('a refused enhanced form gets an error result its client shows; without JS an error page', async () => {
	const attendee = fx.roles.find((role) => role.name === 'attendee')!.ctx;
	const url = `/events/${fx.slug}/vote`;
	const enhanced = { origin: fx.origin, accept: 'application/json', 'x-sveltekit-action': 'true' };
	for (const [form, status] of [
		[urlencoded([['project', `${fx.projectId}${NUL}`]]), 400],
		[{ type: 'text/plain', body: `project=${fx.projectId}` }, 415],
		[truncatedMultipart([['project', fx.projectId]]), 400]
	] as const) {
		const answer = await send(attendee, url, {
			method: 'POST',
			headers: { ...enhanced, 'content-type': form.type },
			body: form.body
		});
		expect(answer.status).toBe(status);
		// The shape use:enhance's deserialize() reads: { type: 'error', error: { message } }.
		const result = JSON.parse(answer.body);
		expect(result.type).toBe('error');
		expect(result.error.message).toMatch(/\w+ \w+ \w+/);
	}
	const page = await post(attendee, fx.origin, url, urlencoded([['project', `${fx.projectId}${NUL}`]]));
	expect(page.status).toBe(400);
	expect(page.headers['content-type']).toContain('text/html');
	expect(page.body).toMatch(/not allowed/);

	// In the browser: an enhanced form whose text holds a NUL shows the error page with the sentence.
	const owner = await fx.owner.newPage();
	await owner.goto('/events/new');
	await owner.getByLabel('Name').fill('Never Created');
	await owner.getByLabel('Description (optional)').fill(`Pasted from a binary file: a${NUL}b`);
	await owner.getByRole('button', { name: 'Create event' }).click();
	await expect(owner.getByRole('heading', { level: 1 })).toContainText('not allowed');
	await expect(owner.getByTestId('error-status')).toHaveText('Status 400');
	await owner.goto('/events');
	await expect(owner.getByText('Never Created')).toHaveCount(0);
	await owner.close();
});

/** The Cookie header a person's browser sends. */
async function cookieHeader(ctx: APIRequestContext): Promise<string> {
	return (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Reads only the headers of a GET (the live ranking is an endless stream). */
async function headersOf(cookies: string, origin: string, path: string): Promise<Answer> {
	const abort = new AbortController();
	try {
		const response = await fetch(new URL(path, origin), {
			headers: { cookie: cookies },
			redirect: 'manual',
			signal: abort.signal
		});
		return { status: response.status, headers: Object.fromEntries(response.headers), body: '' };
	} finally {
		abort.abort();
	}
}

test('every page and download for a signed-in person is private, no-store; public pages keep theirs', async () => {
	test.setTimeout(120_000);
	const problems: string[] = [];
	const paths = routes
		.filter((route) => route.page || route.endpoint)
		.map((route) => pathOf(route, realParams(route, fx)));
	for (const role of fx.roles.filter((r) => r.name !== 'signed-out')) {
		const cookies = await cookieHeader(role.ctx);
		for (const path of [...paths, '/welcome?redirectTo=/profile', `/events/${fx.closedSlug}/leaderboard`]) {
			const answer = await headersOf(cookies, fx.origin, path);
			const cacheControl = answer.headers['cache-control'] ?? '(none)';
			if (answer.status >= 500 || !/\bprivate\b/.test(cacheControl) || !/\bno-store\b/.test(cacheControl)) {
				problems.push(`${role.name} GET ${path} → ${answer.status} Cache-Control: ${cacheControl}`);
			}
		}
	}
	expect(problems).toEqual([]);

	const visitor = fx.roles.find((role) => role.name === 'signed-out')!.ctx;
	for (const path of ['/', '/sign-in', `/events/${fx.closedSlug}`]) {
		const answer = await send(visitor, path);
		expect(answer.status, path).toBe(200);
		expect(answer.headers['cache-control'] ?? '', path).not.toMatch(/private|no-store/);
	}
	const board = await send(visitor, `/events/${fx.closedSlug}/leaderboard`);
	expect(board.status).toBe(200);
	expect(board.headers['cache-control']).toBe('public, max-age=1');
});
