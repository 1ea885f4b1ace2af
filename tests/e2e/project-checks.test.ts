import { expect, test, type Browser } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { expectAccessible } from './helpers/axe';
import { OwnServer } from './helpers/own-server';
import { startFakeGitHub, type FakeSite } from '../fakes/link-sites';

// The owner picks a repository check; a team saves its project and later sees the outcome on the project
// page; the owner filters the project table by it. The built app asks a fake GitHub (GITHUB_API_URL).

test.describe.configure({ mode: 'serial' });

const basePort = Number(process.env.E2E_PORT ?? 4173);
let github: FakeSite;
let app: OwnServer;

test.beforeAll(async () => {
	github = await startFakeGitHub({
		repos: { 'ada/public-game': { private: false }, 'ada/secret-game': { private: true } }
	});
	app = new OwnServer({
		GITHUB_API_URL: github.url,
		...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {})
	});
	app.port = basePort + 3;
	await app.start();
});

test.afterAll(async () => {
	await app?.dispose();
	await github?.close();
});

async function personOn(browser: Browser, name: string) {
	const context = await browser.newContext({ baseURL: app.origin });
	const page = await context.newPage();
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(context, email, {
		origin: app.origin,
		outboxDir: app.outbox,
		profile: { firstName: name, lastName: 'Tester' }
	});
	return page;
}

test('checks run after the save, the team sees the outcome, the owner filters by it', async ({ browser }) => {
	test.setTimeout(90_000);
	const owner = await personOn(browser, 'Olivia');
	await owner.goto('/events/new');
	await owner.getByLabel('Name').fill(`Checked Jam ${Date.now()}`);
	await owner.getByRole('button', { name: 'Create event' }).click();
	const joinLink = (await owner.getByTestId('event-join-link').textContent())!.trim();
	const slug = new URL(owner.url()).pathname.split('/')[2];

	await owner.goto(`/events/${slug}/admin/projects`);
	await owner.getByLabel('Repository link').selectOption('github_public');
	await owner.getByRole('button', { name: 'Save link checks' }).click();
	await expect(owner.getByRole('status')).toContainText('Link checks saved');

	for (const [name, repo] of [
		['Ada', 'https://github.com/ada/public-game'],
		['Bea', 'https://github.com/ada/secret-game']
	]) {
		const team = await personOn(browser, name);
		await team.goto(new URL(joinLink).pathname);
		await team.getByRole('link', { name: 'Submit a project' }).click();
		await team.getByLabel('Project name').fill(`${name}'s game`);
		await team.getByLabel('Demo link').fill('https://example.test/demo');
		await team.getByLabel('Repository link (optional)').fill(repo);
		await team.getByLabel('Hours spent').fill('10');
		await team.getByRole('button', { name: 'Submit project' }).click();
		await expect(team.getByRole('heading', { level: 1 })).toHaveText(`${name}'s game`);
		// The outcome arrives in the background; the team reloads to see it.
		const check = team.getByTestId('link-check');
		await expect(async () => {
			await team.reload();
			await expect(check.locator('[data-check-status]')).not.toHaveAttribute('data-check-status', 'pending', {
				timeout: 500
			});
		}).toPass({ timeout: 15_000 });
		if (name === 'Ada') await expect(check).toContainText('is public on GitHub');
		else await expect(check).toContainText('is private: make it public');
		if (name === 'Bea') await expectAccessible(team, 'a project page with its link check');
	}

	await owner.goto(`/events/${slug}/admin/projects`);
	await owner.getByLabel('Link check').selectOption('invalid');
	await owner.getByRole('button', { name: 'Filter' }).click();
	await expect(owner).toHaveURL(/check=invalid/);
	const table = owner.getByTestId('projects');
	await expect(table.getByRole('link', { name: "Bea's game", exact: true })).toBeVisible();
	await expect(table.getByRole('link', { name: "Ada's game", exact: true })).toHaveCount(0);
	await expect(table).toContainText('Invalid');
	await expectAccessible(owner, 'the owner’s project table with link checks');
});
