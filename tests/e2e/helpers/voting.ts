import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './auth';

// Setting up voting the way people do it, for the browser tests: people sign in, submit projects through
// an event's join link, and the owner moves the event through its phases on the admin page.

/**
 * A new person signed in on a browser context of their own, by form posts (the sign-in pages are proven
 * in auth.test.ts); `email` is their address. Their page is blank: open what the test needs.
 */
export async function person(browser: Browser, name: string, options: BrowserContextOptions = {}) {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(context, email, { profile: { firstName: name, lastName: 'Tester' } });
	return Object.assign(page, { email });
}

/** Creates an event as `owner`; returns its slug and join link. */
export async function createEvent(owner: Page, name: string) {
	await owner.goto('/events/new');
	await owner.getByLabel('Name').fill(`${name} ${Date.now()}`);
	await owner.getByRole('button', { name: 'Create event' }).click();
	const joinLink = (await owner.getByTestId('event-join-link').textContent())!.trim();
	const slug = new URL(owner.url()).pathname.split('/')[2];
	return { slug, joinLink };
}

/** Joins the event through its join link (the person is then on the event's page). */
export async function joinEvent(page: Page, joinLink: string) {
	await page.goto(new URL(joinLink).pathname);
	await expect(page).toHaveURL(/\/events\/[^/]+\?welcome/);
}

export async function submitProject(page: Page, joinLink: string, name: string) {
	await joinEvent(page, joinLink);
	await page.getByRole('link', { name: 'Submit a project' }).click();
	await page.getByLabel('Project name').fill(name);
	await page.getByLabel('Demo link').fill(`https://${name.toLowerCase().replace(/\W+/g, '-')}.example.test`);
	await page.getByLabel('Repository link (optional)').fill('https://example.test/repo');
	await page.getByLabel('Hours spent').fill('10');
	await page.getByRole('button', { name: 'Submit project' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
}

/** Through the admin settings page: choose the phase, read what changes, confirm. */
export async function movePhase(owner: Page, slug: string, phase: 'voting' | 'closed') {
	await owner.goto(`/events/${slug}/admin`);
	await owner.getByLabel('Move the event to').selectOption(phase);
	await owner.getByRole('button', { name: 'Continue…' }).click();
	await owner.getByRole('button', { name: /Yes, move to/ }).click();
	await expect(owner.getByRole('status')).toContainText('The event is now');
}
