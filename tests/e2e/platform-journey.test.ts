import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { OwnServer } from './helpers/own-server';
import { runAdminCommand } from './helpers/platform';

// An operator's first day on the embedded database (the default a new user gets): the app is stopped
// to run the operator command, as the README says, then the new platform admin finds people and events,
// deletes and restores an event, reveals a person's private fields (recorded), and walks every tab of
// the admin area, each one accessible. The areas' own browser tests go deeper into each action.

let server: OwnServer;
test.beforeAll(async () => {
	server = new OwnServer();
	await server.start();
});
test.afterAll(async () => server?.dispose());

const embeddedEnv = () => ({ DATABASE_URL: '', EMBEDDED_DATABASE_DIR: server.databaseDir, NODE_ENV: '' });

async function person(browser: Browser, name: string, profile: Record<string, string> = {}) {
	const page = await (await browser.newContext({ baseURL: server.origin })).newPage();
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(page.context(), email, {
		origin: server.origin,
		outboxDir: server.outbox,
		profile: { firstName: name, lastName: 'Tester', ...profile }
	});
	return Object.assign(page, { email });
}

function tab(page: Page, name: string) {
	return page.getByRole('navigation', { name: 'Platform admin' }).getByRole('link', { name, exact: true });
}

test('an operator grants the role by command, then runs the platform from /admin', async ({ browser }) => {
	test.setTimeout(300_000);
	const opal = await person(browser, 'Opal');
	const tom = await person(browser, 'Tom', { phone: '+1 555 0100', city: 'Springfield' });
	await tom.goto('/events/new');
	const eventName = `Journey Jam ${Date.now()}`;
	await tom.getByLabel('Name').fill(eventName);
	await tom.getByRole('button', { name: 'Create event' }).click();
	await expect(tom.getByRole('heading', { level: 1 })).toHaveText(eventName);
	const eventPath = new URL(tom.url()).pathname;
	expect(eventPath).not.toBe('/events/new');

	// Not an admin yet: nothing under /admin, and no link to it.
	expect((await opal.goto('/admin'))?.status()).toBe(403);
	await opal.goto('/');
	await expect(opal.getByRole('link', { name: 'Platform admin' })).toHaveCount(0);

	// While the app runs it holds the embedded database: the command says so and changes nothing.
	expect(() => runAdminCommand(['grant', opal.email], embeddedEnv())).toThrow(
		/in use|another process|podium\.lock/i
	);
	await server.stop();
	expect(() => runAdminCommand(['grant', 'nobody-at-all@example.test'], embeddedEnv())).toThrow(
		/Nobody has signed in with nobody-at-all@example.test/
	);
	const granted = runAdminCommand(['grant', ` ${opal.email.toUpperCase()} `], embeddedEnv());
	expect(granted).toContain(`${opal.email} is now a platform admin.`);
	expect(runAdminCommand(['list'], embeddedEnv())).toContain(opal.email);
	await server.start();

	// The session survives the restart, and the role is read on the next request.
	await opal.goto('/');
	await opal.getByRole('link', { name: 'Platform admin' }).click();
	await expect(opal.getByRole('heading', { name: 'Platform admin', level: 1 })).toBeVisible();
	await expectAccessible(opal, 'the dashboard');

	// Search finds Tom's event by part of its name, and Tom by his address.
	await tab(opal, 'Search').click();
	await opal.getByLabel(/Email, name, event/).fill(eventName.slice(8));
	await opal.getByRole('button', { name: 'Search' }).click();
	await expect(opal.getByTestId('search-events').getByRole('link', { name: eventName })).toBeVisible();
	await expectAccessible(opal, 'search results');
	await opal.getByTestId('search-events').getByRole('link', { name: eventName }).click();
	await expect(opal.getByTestId('owner')).toContainText(tom.email);
	await expectAccessible(opal, 'an event');

	// Soft delete: gone for its owner; restored: back for him.
	await opal.getByRole('button', { name: 'Delete the event' }).click();
	await expect(opal.getByTestId('deleted-badge')).toBeVisible();
	expect((await tom.goto(eventPath))?.status()).toBe(404);
	await opal.getByRole('button', { name: 'Restore the event' }).click();
	await expect(opal.getByRole('status')).toHaveText(/Restored/);
	expect((await tom.goto(eventPath))?.status()).toBe(200);

	// Tom's page: his phone shows only after Reveal, and the reveal is on record.
	await opal.getByTestId('owner').getByRole('link', { name: tom.email }).click();
	await expect(opal.getByText('+1 555 0100')).toHaveCount(0);
	await expectAccessible(opal, 'a person');
	await opal.getByRole('button', { name: 'Reveal' }).click();
	await expect(opal.getByTestId('private-fields')).toContainText('+1 555 0100');
	await opal.reload();
	await expect(opal.getByText('+1 555 0100')).toHaveCount(0);
	await expect(opal.getByTestId('person-audit')).toContainText(
		`Revealed the phone, address and birth date of ${tom.email}`
	);

	// The other tabs, each accessible; the activity log shows all of the above.
	for (const name of ['Events', 'People', 'Fixes', 'Exports', 'Activity']) {
		await tab(opal, name).click();
		await expect(tab(opal, name)).toHaveAttribute('aria-current', 'page');
		await expectAccessible(opal, `the ${name} tab`);
	}
	const activity = opal.getByRole('main');
	for (const done of ['Revealed the phone', 'Restored', 'platform admin'])
		await expect(activity).toContainText(done);

	// Tom, not an admin, still reaches nothing there.
	for (const path of ['/admin', '/admin/people', '/admin/activity', '/admin/exports']) {
		expect((await tom.goto(path))?.status(), path).toBe(403);
	}
});
