import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, joinEvent, movePhase, person } from './helpers/voting';

// The signed-in home page (issue 13): your events with their phase and the step that comes next, a join
// form and a way to create an event; on a phone (360 px) without sideways scrolling, and axe clean.

const row = (page: Page, name: RegExp) => page.getByTestId('home-event').filter({ hasText: name });

test('an attendee in events of different phases sees the next step of each, and the links work', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const owner = await person(browser, 'Hana');
	const submission = await createEvent(owner, 'Home Sub');
	const voting = await createEvent(owner, 'Home Vote');
	const closed = await createEvent(owner, 'Home Closed');
	const later = await createEvent(owner, 'Home Later');
	const attendee = await person(browser, 'Ari');
	for (const event of [submission, voting, closed]) await joinEvent(attendee, event.joinLink);
	await movePhase(owner, voting.slug, 'voting');
	await movePhase(owner, closed.slug, 'closed');

	await attendee.setViewportSize({ width: 360, height: 800 });
	await attendee.goto('/');
	await expect(attendee.getByRole('heading', { level: 1 })).toHaveText('What to do now');
	await expect(attendee.getByTestId('home-event')).toHaveCount(3);
	await expect(row(attendee, /Home Sub/).getByTestId('phase')).toHaveText('Submissions open');
	await expect(row(attendee, /Home Vote/).getByTestId('phase')).toHaveText('Voting open');
	await expect(row(attendee, /Home Closed/).getByTestId('phase')).toHaveText('Closed');
	const wide = await attendee.evaluate(() => document.documentElement.scrollWidth);
	expect(wide).toBeLessThanOrEqual(360);
	await expectAccessible(attendee, 'the signed-in home page at 360 px');

	// Each next step opens its page.
	await row(attendee, /Home Sub/)
		.getByRole('link', { name: /^Submit your project/ })
		.click();
	await expect(attendee).toHaveURL(new RegExp(`/events/${submission.slug}/projects/new$`));
	await attendee.getByLabel('Project name').fill('Home Robot');
	await attendee.getByLabel('Demo link').fill('https://home-robot.example.test');
	await attendee.getByLabel('Hours spent').fill('3');
	await attendee.getByRole('button', { name: 'Submit project' }).click();
	await expect(attendee.getByRole('heading', { level: 1 })).toHaveText('Home Robot');

	await attendee.goto('/');
	await row(attendee, /Home Sub/)
		.getByRole('link', { name: /^Edit your project/ })
		.click();
	await expect(attendee).toHaveURL(/\/projects\/[^/]+\/edit$/);

	await attendee.goto('/');
	await row(attendee, /Home Vote/)
		.getByRole('link', { name: /^Vote/ })
		.click();
	await expect(attendee).toHaveURL(new RegExp(`/events/${voting.slug}/vote$`));
	await expect(attendee.getByTestId('error-page')).toHaveCount(0);

	await attendee.goto('/');
	await row(attendee, /Home Closed/)
		.getByRole('link', { name: /^See the results/ })
		.click();
	await expect(attendee).toHaveURL(new RegExp(`/events/${closed.slug}/leaderboard$`));
	await expect(attendee.getByTestId('error-page')).toHaveCount(0);

	// Joining by code from the home page, lower case.
	await attendee.goto('/');
	const code = new URL(later.joinLink).pathname.split('/').pop()!;
	await attendee.getByLabel('Join code').fill(code.toLowerCase());
	await attendee.getByRole('button', { name: 'Join', exact: true }).click();
	await expect(attendee).toHaveURL(new RegExp(`/events/${later.slug}$`));
	await attendee.goto('/');
	await expect(row(attendee, /Home Later/).getByRole('link', { name: /^Submit your project/ })).toBeVisible();

	// The owner: the events they run, each with a way to manage it; and a way to create another.
	await owner.goto('/');
	await expect(owner.getByTestId('home-owned').getByTestId('home-event')).toHaveCount(4);
	await row(owner, /Home Vote/)
		.getByRole('link', { name: /^Manage the event/ })
		.click();
	await expect(owner).toHaveURL(new RegExp(`/events/${voting.slug}/admin$`));
	await owner.goto('/');
	await owner.getByRole('link', { name: 'Create an event' }).click();
	await expect(owner).toHaveURL(/\/events\/new$/);
});

test('a visitor sees what Podium is and a way to sign in', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Peer judging for hackathons');
	await expect(page.getByTestId('home-event')).toHaveCount(0);
	await page.getByRole('link', { name: 'Sign in to get started' }).click();
	await expect(page).toHaveURL(/\/sign-in/);
});
