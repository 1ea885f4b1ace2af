import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { buildVotingEvent, join, signInByForms, type VotingEvent } from './helpers/by-forms';

// Issue 12: a large event's ballot comes in pages of 48, so its page stays light (about 100 KB for a
// 500-project event instead of 940 KB). Picks are kept across pages, with and without JavaScript: the
// page buttons carry the ticks not sent yet, and picks on other pages are listed by name, ticked, and
// sent with the page's own.

const PROJECTS = 50; // the voter owns none: 50 on the ballot, 48 on page 1 and 2 on page 2

async function voterOf(fx: VotingEvent, origin: string, name: string, javaScriptEnabled: boolean) {
	const context = await fx.owner.browser()!.newContext({ javaScriptEnabled });
	await signInByForms(context, origin, name);
	await join(context, origin, fx.joinCode);
	return context;
}

const elsewhere = (page: Page) => page.getByTestId('picks-elsewhere');
/** The names of the projects on this page of the ballot, in order. */
async function namesOnPage(page: Page): Promise<string[]> {
	return page.locator('fieldset > ul > li label').allTextContents();
}

test.describe.serial('a ballot in pages', () => {
	let fx: VotingEvent;
	let origin: string;
	const contexts: BrowserContext[] = [];

	test.beforeAll(async ({ browser, baseURL }) => {
		test.setTimeout(240_000);
		origin = baseURL!;
		fx = await buildVotingEvent(browser, origin, PROJECTS, 'Paged');
	});

	/** A new attendee's ballot, page 1, ready (with JavaScript: its live count shown). */
	async function openBallot(name: string, javaScriptEnabled: boolean) {
		const context = await voterOf(fx, origin, name, javaScriptEnabled);
		contexts.push(context);
		const page = await context.newPage();
		await page.goto(`/events/${fx.slug}/vote`);
		if (javaScriptEnabled) await expect(page.getByTestId('pick-count')).toHaveText('0 of 3 picked.');
		return page;
	}

	test.afterAll(async () => {
		for (const context of contexts) await context.close();
		await fx?.owner.close();
		await fx?.voter.close();
	});

	test('without JavaScript, picks made on two pages are sent together and kept on both', async () => {
		const page = await openBallot('Nojs', false);
		await expect(page.getByText('Page 1 of 2')).toBeVisible();
		const first = await namesOnPage(page);
		expect(first).toHaveLength(48);
		await page.getByLabel(first[0], { exact: true }).check();

		await page.getByRole('button', { name: 'Next page' }).click();
		await expect(page.getByText('Page 2 of 2')).toBeVisible();
		const second = await namesOnPage(page);
		expect(second).toHaveLength(2);
		expect(second.some((name) => first.includes(name))).toBe(false);
		// The tick of page 1, not sent yet, came along: listed by name and still ticked.
		await expect(elsewhere(page).getByLabel(first[0], { exact: true })).toBeChecked();
		await page.getByLabel(second[0], { exact: true }).check();
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(page.getByTestId('ballot-saved')).toContainText('saved: 2 projects');

		// Page 1 again, as a new visit: its pick ticked in place, page 2's listed above.
		await page.goto(`/events/${fx.slug}/vote`);
		await expect(page.getByLabel(first[0], { exact: true })).toBeChecked();
		await expect(elsewhere(page).getByLabel(second[0], { exact: true })).toBeChecked();
		expect(await namesOnPage(page)).toEqual(first);

		// Unticking the pick of page 2 from page 1 removes it.
		await elsewhere(page).getByLabel(second[0], { exact: true }).uncheck();
		await page.getByRole('button', { name: 'Change my ballot' }).click();
		await expect(page.getByTestId('ballot-saved')).toContainText('saved: 1 project.');
		await page.goto(`/events/${fx.slug}/vote?page=2`);
		await expect(page.getByLabel(second[0], { exact: true })).not.toBeChecked();
		await expect(elsewhere(page).getByLabel(first[0], { exact: true })).toBeChecked();
	});

	test('with JavaScript, a tick survives the page buttons and both picks are saved', async () => {
		const page = await openBallot('Withjs', true);
		const first = await namesOnPage(page);
		await page.getByLabel(first[5], { exact: true }).check();
		await page.getByRole('button', { name: 'Next page' }).click();
		await expect(page.getByText('Page 2 of 2')).toBeVisible();
		await expect(elsewhere(page).getByLabel(first[5], { exact: true })).toBeChecked();
		await expect(page.getByTestId('pick-count')).toHaveText('1 of 3 picked.');
		const second = await namesOnPage(page);
		await page.getByLabel(second[1], { exact: true }).check();
		await expect(page.getByTestId('pick-count')).toHaveText('2 of 3 picked.');
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(page.getByTestId('ballot-status')).toContainText('Saved');
		// The ticks carried in the address are spent once the ballot is saved.
		await expect(page).toHaveURL(/\/vote\?page=2$/);

		await page.reload();
		await expect(page.getByLabel(second[1], { exact: true })).toBeChecked();
		await expect(elsewhere(page).getByLabel(first[5], { exact: true })).toBeChecked();
		await page.getByRole('button', { name: 'Previous page' }).click();
		await expect(page.getByText('Page 1 of 2')).toBeVisible();
		expect(await namesOnPage(page)).toEqual(first);
		await expect(page.getByLabel(first[5], { exact: true })).toBeChecked();
		await expect(elsewhere(page).getByLabel(second[1], { exact: true })).toBeChecked();
	});

	test('a tick made while the page refreshes after a save is kept', async () => {
		const page = await openBallot('Quick', true);
		const names = await namesOnPage(page);
		// The refresh of the page's data after a save is held back, as on a slow connection.
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/__data.json*', async (route) => {
			await held;
			await route.continue();
		});
		await page.getByLabel(names[0], { exact: true }).check();
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(page.getByTestId('ballot-saved')).toContainText('saved: 1 project.');
		// Before the refresh arrives, the voter ticks a second project.
		await page.getByLabel(names[1], { exact: true }).check();
		release();
		await page.waitForLoadState('networkidle');
		await expect(page.getByLabel(names[1], { exact: true })).toBeChecked();
		await expect(page.getByTestId('pick-count')).toHaveText('2 of 3 picked.');
		await page.getByRole('button', { name: 'Change my ballot' }).click();
		await expect(page.getByTestId('ballot-saved')).toContainText('saved: 2 projects');
	});
});
