import { expect, test, type Browser } from '@playwright/test';
import { signIn, signInByPosts, uniqueEmail } from './helpers/auth';

// Two and then three people, each in their own browser, go from nothing to an event with a team project
// using only the pages.

async function person(browser: Browser) {
	const context = await browser.newContext();
	return { context, page: await context.newPage() };
}

test('create an event, join it by link, submit a project, join the team by code, edit it, leave it', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const eventName = `Junk Jam ${Date.now()}`;

	// Alice creates the event and shares its link.
	const alice = await person(browser);
	await signInByPosts(alice.page.context(), uniqueEmail('alice'), {
		profile: { firstName: 'Alice', lastName: 'Owner' }
	});
	await alice.page.goto('/');
	await alice.page.getByRole('link', { name: 'My events' }).click();
	await alice.page.getByRole('link', { name: 'Create an event' }).click();
	await alice.page.getByLabel('Name').fill(eventName);
	await alice.page.getByLabel('Description (optional)').fill('Build something from junk.');
	await alice.page.getByRole('button', { name: 'Create event' }).click();
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText(eventName);
	await expect(alice.page.getByText('You run this event.')).toBeVisible();
	const code = (await alice.page.getByTestId('event-join-code').textContent())!.trim();
	const link = (await alice.page.getByTestId('event-join-link').textContent())!.trim();
	expect(link).toMatch(new RegExp(`/join/${code}$`));

	// Bob opens the link signed out: he signs in first and lands in the event, joined.
	const bob = await person(browser);
	await bob.page.goto(new URL(link).pathname);
	await expect(bob.page).toHaveURL(/\/sign-in\?redirectTo=/);
	await signIn(bob.page, uniqueEmail('bob'), {
		profile: { firstName: 'Bob', lastName: 'Builder' },
		redirectTo: new URL(link).pathname
	});
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText(eventName);
	await expect(bob.page.getByText(`Welcome to ${eventName}!`)).toBeVisible();
	await bob.page.getByLabel('How did you hear about this event?').fill('A poster in the library');
	await bob.page.getByRole('button', { name: 'Send answer' }).click();
	await expect(bob.page.getByText(`Welcome to ${eventName}!`)).toBeHidden();

	// Bob submits a project; a javascript: link is refused first and nothing is created.
	await bob.page.getByRole('link', { name: 'Submit a project' }).click();
	await bob.page.getByLabel('Project name').fill('Trash Robot');
	await bob.page.getByLabel('Demo link').fill('javascript:alert(1)');
	await bob.page.getByLabel('Hours spent').fill('20');
	// The browser's own URL check would stop the form before the server sees it; the server is what counts.
	await bob.page.locator('main form').evaluate((form) => form.setAttribute('novalidate', ''));
	await bob.page.getByRole('button', { name: 'Submit project' }).click();
	await expect(bob.page.getByText('The demo link must be an http:// or https:// link.')).toBeVisible();
	await expect(bob.page.getByLabel('Project name')).toHaveValue('Trash Robot');
	await bob.page.getByLabel('Demo link').fill('https://trash-robot.example.test');
	await bob.page.getByRole('button', { name: 'Submit project' }).click();
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText('Trash Robot');
	const projectCode = (await bob.page.getByTestId('project-join-code').textContent())!.trim();
	const projectUrl = bob.page.url();
	// One project each: a second submission points to the first instead of counting twice.
	await bob.page.goto(`${new URL(alice.page.url()).pathname}/projects/new`);
	await expect(bob.page.getByText('You already have a project in this event:')).toBeVisible();
	await expect(bob.page.getByRole('link', { name: 'Trash Robot' })).toHaveAttribute(
		'href',
		new URL(projectUrl).pathname
	);
	await bob.page.goto(projectUrl);

	// Carol joins the event by typing its code (lower case), then the team with the project's code.
	const carol = await person(browser);
	await signInByPosts(carol.page.context(), uniqueEmail('carol'), {
		profile: { firstName: 'Carol', lastName: 'Coder' }
	});
	await carol.page.goto('/join');
	await carol.page.getByLabel('Join code').fill(code.toLowerCase());
	await carol.page.getByRole('button', { name: 'Join' }).click();
	await expect(carol.page.getByRole('heading', { level: 1 })).toHaveText(eventName);
	await carol.page.getByRole('link', { name: "Join a teammate's project" }).click();
	await carol.page.getByLabel('Project join code').fill('WRONG1');
	await carol.page.getByRole('button', { name: 'Join the team' }).click();
	await expect(carol.page.getByRole('alert')).toHaveText(/No project has that join code/);
	await carol.page.getByLabel('Project join code').fill(projectCode);
	await carol.page.getByRole('button', { name: 'Join the team' }).click();
	await expect(carol.page.getByTestId('team')).toContainText('Bob B. (owner)');
	await expect(carol.page.getByTestId('team')).toContainText('Carol C.');

	// Carol edits the project; Bob sees the change.
	await carol.page.getByRole('link', { name: 'Edit details' }).click();
	await carol.page.getByLabel('Project name').fill('Trash Robot 2000');
	await carol.page.getByRole('button', { name: 'Save changes' }).click();
	await expect(carol.page.getByRole('heading', { level: 1 })).toHaveText('Trash Robot 2000');
	await bob.page.goto(projectUrl);
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText('Trash Robot 2000');

	// My projects shows it to Carol with its code; then she leaves the team.
	await carol.page.getByRole('link', { name: 'My projects' }).click();
	await expect(carol.page.getByRole('row', { name: /Trash Robot 2000/ })).toContainText(projectCode);
	await carol.page.getByRole('link', { name: 'Trash Robot 2000' }).click();
	await carol.page.getByRole('button', { name: 'Leave this team' }).click();
	await expect(carol.page).toHaveURL(/\/projects$/);
	await expect(carol.page.getByText('No projects yet.')).toBeVisible();
	await bob.page.reload();
	await expect(bob.page.getByTestId('team')).not.toContainText('Carol');

	// The gallery lists the project for everyone in the event, without scores.
	await alice.page.reload();
	await expect(alice.page.getByTestId('gallery')).toContainText('Trash Robot 2000');
	await expect(alice.page.getByTestId('gallery')).not.toContainText(/points|votes/i);

	for (const p of [alice, bob, carol]) await p.context.close();
});

test('a signed-out visitor cannot reach the pages that need an account', async ({ page }) => {
	for (const path of ['/events', '/events/new', '/projects', '/join', '/projects/join']) {
		await page.goto(path);
		await expect(page).toHaveURL(new RegExp(`/sign-in\\?redirectTo=${encodeURIComponent(path)}`));
	}
});

test('a draft event is invisible to everyone but its owner', async ({ browser }) => {
	const owner = await person(browser);
	await signInByPosts(owner.page.context(), uniqueEmail('drafter'));
	await owner.page.goto('/events/new');
	await owner.page.getByLabel('Name').fill(`Secret ${Date.now()}`);
	await owner.page.getByLabel(/Keep it as a draft/).check();
	await owner.page.getByRole('button', { name: 'Create event' }).click();
	await expect(owner.page.getByTestId('phase')).toHaveText('Draft');
	const url = owner.page.url();

	const stranger = await person(browser);
	await signInByPosts(stranger.page.context(), uniqueEmail('stranger'));
	const response = await stranger.page.goto(url);
	expect(response?.status()).toBe(404);
	await expect(stranger.page.getByRole('heading', { level: 1 })).toHaveText('Event not found.');
	for (const p of [owner, stranger]) await p.context.close();
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('events, joining and projects work with plain forms', async ({ browser }) => {
		const owner = await person(browser);
		await signInByPosts(owner.page.context(), uniqueEmail('nojs-owner'));
		await owner.page.goto('/events/new');
		await owner.page.getByLabel('Name').fill(`Plain Forms ${Date.now()}`);
		await owner.page.getByRole('button', { name: 'Create event' }).click();
		const code = (await owner.page.getByTestId('event-join-code').textContent())!.trim();

		const hacker = await person(browser);
		await signInByPosts(hacker.page.context(), uniqueEmail('nojs-hacker'), {
			profile: { firstName: 'Nora', lastName: 'Script' }
		});
		await hacker.page.goto('/join');
		await hacker.page.getByLabel('Join code').fill('NOSUCH');
		await hacker.page.getByRole('button', { name: 'Join' }).click();
		await expect(hacker.page.getByRole('alert')).toHaveText(/No event has that join code/);
		await hacker.page.getByLabel('Join code').fill(code);
		await hacker.page.getByRole('button', { name: 'Join' }).click();
		await hacker.page.getByRole('link', { name: 'Submit a project' }).click();
		await hacker.page.getByLabel('Project name').fill('No-JS Navigator');
		await hacker.page.getByLabel('Demo link').fill('https://nojs.example.test');
		await hacker.page.getByLabel('Hours spent').fill('-2');
		await hacker.page.locator('main form').evaluate((form) => form.setAttribute('novalidate', ''));
		await hacker.page.getByRole('button', { name: 'Submit project' }).click();
		await expect(hacker.page.getByText('Hours spent cannot be negative.')).toBeVisible();
		await hacker.page.getByLabel('Hours spent').fill('6');
		await hacker.page.getByRole('button', { name: 'Submit project' }).click();
		await expect(hacker.page.getByRole('heading', { level: 1 })).toHaveText('No-JS Navigator');
		await expect(hacker.page.getByTestId('team')).toContainText('Nora S. (owner)');
		for (const p of [owner, hacker]) await p.context.close();
	});
});
