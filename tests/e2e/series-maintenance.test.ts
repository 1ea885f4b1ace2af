import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { outboxDir, signInByPosts, uniqueEmail } from './helpers/auth';
import { OwnServer } from './helpers/own-server';
import { post, send, urlencoded } from './helpers/requests';
import { discoverRoutes, pathOf } from './helpers/routes';
import {
	actionUrl,
	buildWalkFixture,
	realParams,
	snapshot,
	validValue,
	type WalkFixture
} from './helpers/walk-fixture';

// The public directory and read-only maintenance, in a real browser against the built app. Maintenance
// refuses writes app-wide, so this file runs its own app instance (on a port of its own, with its own
// embedded database) rather than the shared one: other test files keep writing meanwhile.

// A port of its own: schedule.test.ts takes E2E_PORT + 1 and + 2, project-checks.test.ts + 3.
const PORT = Number(process.env.E2E_PORT ?? 4173) + 4;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const ADMIN = `maint-admin-${Date.now()}@example.test`;
const MESSAGE = 'Moving Podium to its new database: back by 18:00 UTC.';

test.use({ baseURL: ORIGIN });
test.describe.configure({ mode: 'serial' });

const server = new OwnServer({ MAIL_OUTBOX_DIR: outboxDir() });
server.port = PORT;

test.beforeAll(async () => {
	test.setTimeout(90_000);
	// A platform admin as the operator command leaves one: the role, and a completed profile.
	await server.withDatabase((db) =>
		db.query(
			`INSERT INTO users (email, first_name, display_name, profile_completed_at, platform_admin_since)
			 VALUES ($1, 'Mara', 'Mara A.', now(), now())`,
			[ADMIN]
		)
	);
	await server.start();
});

test.afterAll(async () => {
	await server.dispose();
});

async function person(browser: Browser, firstName: string, email = uniqueEmail(firstName.toLowerCase())) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInByPosts(context, email, { profile: { firstName } });
	return { context, page, email };
}

async function createEvent(page: Page, name: string, draft = false) {
	await page.goto('/events/new');
	await page.getByLabel('Name').fill(name);
	if (draft) await page.getByLabel(/Keep it as a draft/).check();
	await page.getByRole('button', { name: 'Create event' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	return new URL(page.url()).pathname.split('/')[2];
}

async function listInDirectory(page: Page, slug: string, place: string) {
	await page.goto(`/events/${slug}/admin`);
	await page.getByLabel('Place').fill(place);
	await page.getByLabel(/List the event in the public directory/).check();
	await page.getByRole('button', { name: 'Save directory settings' }).click();
	await expect(page.getByText('Directory settings saved.')).toBeVisible();
}

test('the directory lists open events their owner listed, searchable without JavaScript', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const tag = `Dirtest${Date.now()}`;
	const olga = await person(browser, 'Olga');
	const open = await createEvent(olga.page, `${tag} Harbour Hack`);
	await listInDirectory(olga.page, open, 'Burlington, VT');
	const draft = await createEvent(olga.page, `${tag} Secret Draft`, true);
	await listInDirectory(olga.page, draft, 'Nowhere');
	await createEvent(olga.page, `${tag} Unlisted Jam`);

	// A visitor without JavaScript finds the open, listed event, and nothing else of Olga's.
	const visitor = await browser.newContext({ javaScriptEnabled: false });
	const page = await visitor.newPage();
	await page.goto('/directory');
	await page.getByLabel('Search by name, place or series').fill(tag.toLowerCase());
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(new RegExp(`/directory\\?q=${tag.toLowerCase()}`));
	const list = page.getByTestId('directory');
	await expect(list.getByRole('listitem')).toHaveCount(1);
	await expect(list).toContainText(`${tag} Harbour Hack`);
	await expect(list).toContainText('Burlington, VT');
	await expect(list).toContainText('Submissions open');
	await expect(page.getByTestId('directory-count')).toHaveText(`1 event matching “${tag.toLowerCase()}”.`);
	await page.goto('/directory?q=Burlington');
	await expect(page.getByTestId('directory')).toContainText(`${tag} Harbour Hack`);
	await list.getByRole('link', { name: `${tag} Harbour Hack` }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${tag} Harbour Hack`);
	await visitor.close();

	await olga.page.goto(`/directory?q=${tag}`);
	await expectAccessible(olga.page, '/directory');
	await olga.context.close();
});

test('a platform admin runs a series: events, flagship, figures, the directory and the whole export', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const tag = `Seriestest${Date.now()}`;
	const owner = await person(browser, 'Oren');
	const flagship = await createEvent(owner.page, `${tag} Daydream HQ`);
	const satellite = await createEvent(owner.page, `${tag} Daydream Boston`);
	// Oren's own settings page says nothing of series: only platform admins manage them.
	await owner.page.goto(`/admin/series`);
	await expect(owner.page.getByRole('heading', { level: 1 })).toContainText('Only platform admins');

	const admin = await person(browser, 'Mara', ADMIN);
	await admin.page.goto('/admin/series');
	await admin.page.getByLabel('Name').fill(`${tag} Daydream`);
	await admin.page.getByRole('button', { name: 'Create series' }).click();
	await expect(admin.page.getByRole('heading', { level: 2 })).toContainText(`${tag} Daydream`);
	for (const slug of [flagship, satellite]) {
		await admin.page.getByLabel('Event slug or address').fill(`${ORIGIN}/events/${slug}`);
		await admin.page.getByRole('button', { name: 'Add to the series' }).click();
		await expect(admin.page.getByRole('status')).toHaveText(/Added .* to the series\./);
	}
	const rows = admin.page.getByTestId('series-events').locator('tbody tr');
	await expect(rows).toHaveCount(2);
	await rows
		.filter({ hasText: `${tag} Daydream HQ` })
		.getByRole('button', { name: /^Make flagship/ })
		.click();
	await expect(admin.page.getByRole('status')).toHaveText(`${tag} Daydream HQ is the flagship.`);
	await expect(rows.first()).toContainText('Flagship');
	await expect(rows.nth(1)).toContainText('Satellite');
	await expect(admin.page.getByTestId('series-totals')).toHaveText(
		'2 events · 0 attendees · 0 projects · 0 ballots (0 votes)'
	);
	await expectAccessible(admin.page, '/admin/series/<id>');

	// An active series puts its open events in the directory, flagship first, though neither owner listed them.
	const visitor = await browser.newContext();
	const page = await visitor.newPage();
	await page.goto(`/directory?q=${tag}`);
	const items = page.getByTestId('directory').getByRole('listitem');
	await expect(items).toHaveCount(2);
	await expect(items.first()).toContainText(`Flagship of ${tag} Daydream`);
	await expect(items.nth(1)).toContainText(`Part of ${tag} Daydream`);

	// The project export of the whole series, as a download.
	const download = admin.page.waitForEvent('download');
	await admin.page.getByRole('link', { name: /Download the project export of the whole series/ }).click();
	expect((await download).suggestedFilename()).toMatch(/^podium-projects-series-\d{4}-\d{2}-\d{2}\.csv$/);

	// Switched off, the series takes its events out of the directory again.
	await admin.page.getByLabel('Active (its open events appear in the directory)').uncheck();
	await admin.page.getByRole('button', { name: 'Save', exact: true }).click();
	await expect(admin.page.getByTestId('series-status')).toHaveText('Inactive');
	await page.goto(`/directory?q=${tag}`);
	await expect(page.getByTestId('directory-count')).toHaveText(`No open event matches “${tag}”.`);
	await visitor.close();
	await admin.context.close();
	await owner.context.close();
});

test('maintenance shows its banner everywhere and refuses every write with its message; admins still work', async ({
	browser,
	playwright
}) => {
	test.setTimeout(300_000);
	const signedOut = await playwright.request.newContext({ baseURL: ORIGIN });
	const fx: WalkFixture = await buildWalkFixture(browser, signedOut, ORIGIN);
	const admin = await person(browser, 'Mara', ADMIN);

	// What the admin types before the page's script has loaded (a slow connection) is kept once it has.
	let release = () => {};
	const scripts = new Promise<void>((resolve) => (release = resolve));
	await admin.page.route('**/_app/immutable/**', async (route) => {
		await scripts;
		await route.continue();
	});
	await admin.page.goto('/admin/maintenance', { waitUntil: 'commit' });
	await admin.page.getByLabel('Message shown to everyone').fill(MESSAGE);
	release();
	await admin.page.waitForLoadState('networkidle');
	await admin.page.unroute('**/_app/immutable/**');
	await expect(admin.page.getByLabel('Message shown to everyone')).toHaveValue(MESSAGE);
	await admin.page.getByRole('button', { name: 'Start read-only maintenance' }).click();
	await expect(admin.page.getByTestId('maintenance-state')).toContainText('Maintenance is on');
	await expect(admin.page.getByTestId('maintenance-banner')).toContainText(MESSAGE);

	// The banner on every page, for everyone.
	const attendee = await fx.attendee.newPage();
	for (const path of ['/', '/directory', `/events/${fx.slug}`, `/projects/${fx.projectId}`, '/profile']) {
		await attendee.goto(path);
		await expect(attendee.getByTestId('maintenance-banner'), path).toContainText(MESSAGE);
	}
	await expectAccessible(attendee, 'a page with the maintenance banner');

	// With JavaScript, a refused form shows the message on the error page.
	await attendee.goto('/join');
	await attendee.getByLabel('Join code').fill(fx.joinCode);
	await attendee.getByRole('button', { name: 'Join' }).click();
	await expect(attendee.getByRole('heading', { level: 1 })).toContainText(MESSAGE);

	// Every form action the route files declare, as a visitor, an attendee and the owner: 503 and the
	// message, and nothing changes. (Signing in and out stay open: see the integration test.)
	const before = await snapshot(fx);
	const open = new Set(['/sign-in', '/sign-in/verify', '/sign-out']);
	const problems: string[] = [];
	let walked = 0;
	for (const route of discoverRoutes().filter((r) => r.actions.length > 0 && !open.has(r.id))) {
		const fields: [string, string][] = route.fields.map((field) => [field, validValue(route, field, fx)]);
		for (const action of route.actions) {
			const url = actionUrl(pathOf(route, realParams(route, fx)), action);
			for (const role of fx.roles) {
				const answer = await post(role.ctx, ORIGIN, url, urlencoded(fields));
				walked++;
				if (answer.status !== 503 || !answer.body.includes(MESSAGE)) {
					problems.push(`${role.name} POST ${url} → ${answer.status}`);
				}
			}
		}
	}
	expect(problems).toEqual([]);
	expect(walked).toBeGreaterThanOrEqual(120);
	expect(await snapshot(fx)).toEqual(before);

	// A ballot sent by the vote page's script gets the 503 it retries after (it keeps the ballot meanwhile).
	const ballot = await send(fx.attendee.request, `/events/${fx.closedSlug}/vote`, {
		method: 'POST',
		headers: {
			origin: ORIGIN,
			accept: 'application/json',
			'x-sveltekit-action': 'true',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: 'project=walk'
	});
	expect(ballot.status).toBe(503);
	expect(ballot.headers['retry-after']).toBeTruthy();
	expect(JSON.parse(ballot.body)).toMatchObject({ type: 'error', error: { message: MESSAGE } });

	// Without JavaScript, the refusal is a page of its own with the message.
	const plain = await browser.newContext({
		javaScriptEnabled: false,
		storageState: await fx.attendee.storageState()
	});
	const noScript = await plain.newPage();
	await noScript.goto('/profile');
	await noScript.getByRole('button', { name: 'Save profile' }).click();
	await expect(noScript.getByRole('heading', { level: 1 })).toHaveText('Podium is in read-only maintenance');
	await expect(noScript.getByText(MESSAGE)).toBeVisible();
	await plain.close();

	// The platform admin still works (here: renames the event through its admin pages), then ends it.
	await admin.page.goto(`/events/${fx.slug}/admin`);
	await admin.page.getByLabel('Place').fill('Maintenance Hall');
	await admin.page.getByRole('button', { name: 'Save directory settings' }).click();
	await expect(admin.page.getByText('Directory settings saved.')).toBeVisible();
	await admin.page.goto('/admin/maintenance');
	await admin.page.getByRole('button', { name: 'End maintenance' }).click();
	await expect(admin.page.getByTestId('maintenance-state')).toContainText('Maintenance is off');
	await expect(admin.page.getByTestId('maintenance-banner')).toHaveCount(0);

	await attendee.goto('/profile');
	await expect(attendee.getByTestId('maintenance-banner')).toHaveCount(0);
	await attendee.getByRole('button', { name: 'Save profile' }).click();
	await expect(attendee.getByText('Your profile is saved.')).toBeVisible();

	await admin.context.close();
	await fx.owner.close();
	await fx.attendee.close();
	await signedOut.dispose();
});
