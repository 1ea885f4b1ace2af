import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { makePlatformAdmin, onServer } from './helpers/platform';

// A platform admin finds an event with the search box, opens it, hands it to another organiser, and
// soft-deletes it: its owner and an attendee can no longer open it, and nobody can join with its code.
// Restored, it works again for all of them.

async function person(browser: Browser, name: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(context, email, { profile: { firstName: name, lastName: 'Tester' } });
	return { context, page, email };
}

async function joinWithCode(page: Page, code: string) {
	await page.goto('/join');
	await page.getByLabel('Join code').fill(code);
	await page.getByRole('button', { name: 'Join' }).click();
}

test.skip(!onServer, 'makes a platform admin with the operator command, which needs a PostgreSQL server');

test('a platform admin searches, opens, transfers, deletes and restores an event', async ({ browser }) => {
	test.setTimeout(240_000);
	const eventName = `Platform Fair ${Date.now()}`;

	// Olivia creates the event; Alex joins it with its code.
	const olivia = await person(browser, 'Olivia');
	await olivia.page.goto('/events/new');
	await olivia.page.getByLabel('Name').fill(eventName);
	await olivia.page.getByRole('button', { name: 'Create event' }).click();
	const code = (await olivia.page.getByTestId('event-join-code').textContent())!.trim();
	const eventUrl = new URL(olivia.page.url()).pathname;
	const alex = await person(browser, 'Alex');
	await joinWithCode(alex.page, code);
	await expect(alex.page.getByRole('heading', { level: 1 })).toHaveText(eventName);
	const nina = await person(browser, 'Nina');
	const sam = await person(browser, 'Sam');

	// Pat, a platform admin, searches for the event by part of its name and opens it.
	const pat = await person(browser, 'Pat');
	makePlatformAdmin(pat.email);
	await pat.page.goto('/admin');
	await pat.page
		.getByRole('navigation', { name: 'Platform admin' })
		.getByRole('link', { name: 'Search' })
		.click();
	await pat.page.getByLabel(/Email, name, event/).fill(eventName.slice(9));
	await pat.page.getByRole('button', { name: 'Search' }).click();
	const events = pat.page.getByTestId('search-events');
	await expect(events.getByRole('heading')).toHaveText('Events (1)');
	await events.getByRole('link', { name: eventName }).click();
	await expect(pat.page.getByRole('heading', { level: 2 })).toContainText(eventName);
	await expect(pat.page.getByTestId('owner')).toContainText(olivia.email);

	// A typo is refused with a message; then the event goes to Nina.
	await pat.page.getByLabel('Email of the new owner').fill('nobody-here@example.test');
	await pat.page.getByRole('button', { name: 'Transfer' }).click();
	await expect(pat.page.getByRole('alert')).toHaveText(
		/Nobody has the email address nobody-here@example.test/
	);
	await pat.page.getByLabel('Email of the new owner').fill(nina.email);
	await pat.page.getByLabel('Reason (for the log, optional)').first().fill('Olivia handed over');
	await pat.page.getByRole('button', { name: 'Transfer' }).click();
	await expect(pat.page.getByRole('status')).toHaveText(
		`Transferred to ${nina.email} (was ${olivia.email}).`
	);
	await expect(pat.page.getByTestId('owner')).toContainText(nina.email);
	await nina.page.goto(`${eventUrl}/admin`);
	await expect(nina.page.getByRole('heading', { level: 1 })).toContainText(eventName);

	// Pat deletes it: gone for its owner, its attendee and anyone with the code; Pat still sees it, marked.
	await pat.page.getByRole('button', { name: 'Delete the event' }).click();
	await expect(pat.page.getByTestId('deleted-badge')).toBeVisible();
	for (const who of [nina, alex]) {
		const response = await who.page.goto(eventUrl);
		expect(response?.status()).toBe(404);
	}
	expect((await nina.page.goto(`${eventUrl}/admin`))?.status()).toBe(404);
	await nina.page.goto('/events');
	await expect(nina.page.getByRole('link', { name: eventName })).toHaveCount(0);
	await joinWithCode(sam.page, code);
	await expect(sam.page.getByRole('alert')).toHaveText(/No event has that join code/);
	// The join link too: Sam stays on it, told why, instead of landing in the event.
	await sam.page.goto(`/join/${code}`);
	await expect(sam.page.getByText(/No event has that join code/)).toBeVisible();
	await expect(sam.page).toHaveURL(new RegExp(`/join/${code}$`));
	await pat.page.goto(eventUrl);
	await expect(pat.page.getByTestId('deleted-event-notice')).toBeVisible();
	await pat.page.goto('/admin/events?deleted=only');
	await expect(pat.page.getByTestId('events').getByRole('link', { name: eventName })).toBeVisible();
	await pat.page.getByTestId('events').getByRole('link', { name: eventName }).click();

	// Restored, it is all back: Nina runs it, Alex attends it, and Sam joins with the same code.
	await pat.page.getByRole('button', { name: 'Restore the event' }).click();
	await expect(pat.page.getByRole('status')).toHaveText(/Restored/);
	await nina.page.goto(eventUrl);
	await expect(nina.page.getByText('You run this event.')).toBeVisible();
	await alex.page.goto(eventUrl);
	await expect(alex.page.getByRole('heading', { level: 1 })).toHaveText(eventName);
	await joinWithCode(sam.page, code);
	await expect(sam.page.getByRole('heading', { level: 1 })).toHaveText(eventName);

	// The event's page lists what was done, with the reason.
	await pat.page.reload();
	const history = pat.page.getByTestId('history');
	await expect(history.getByRole('listitem')).toHaveCount(3);
	await expect(history).toContainText('Olivia handed over');

	for (const who of [olivia, alex, nina, sam, pat]) await who.context.close();
});
