import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { createEvent, movePhase, person, submitProject } from './helpers/voting';

// Voting from start to end, the way people do it: an owner opens voting from the admin pages, an
// attendee votes, is refused for picking too many, votes, comes back and changes the vote; the owner
// watches the ranking move live, reveals it on the projector, and closes voting, making it public.
// Once with JavaScript (use:enhance, live count, live stream) and once without (plain forms, reloads).

/** An event in `voting` with three projects, one of them the voter's own; the voter attends. */
async function votingEvent(browser: Browser, voter: Page) {
	const owner = await person(browser, 'Olive');
	const { slug, joinLink } = await createEvent(owner, 'Vote Fest');
	await submitProject(await person(browser, 'Rita'), joinLink, 'Robot Arm');
	await submitProject(await person(browser, 'Sol'), joinLink, 'Solar Kite');
	await submitProject(voter, joinLink, 'My Own Thing');
	await movePhase(owner, slug, 'voting');
	return { owner, slug };
}

const ballotBoxes = (page: Page) => page.getByRole('group', { name: /Pick up to/ }).getByRole('checkbox');

test.describe('with JavaScript', () => {
	test('vote, be refused for too many, change the vote; the owner watches live and reveals', async ({
		browser
	}) => {
		test.setTimeout(240_000);
		const voter = await person(browser, 'Vic');
		const { owner, slug } = await votingEvent(browser, voter);

		// The owner's live ranking, open before anyone votes.
		await owner.goto(`/events/${slug}/leaderboard`);
		await expect(owner.getByTestId('turnout')).toHaveText('0 of 3 attendees have voted (0%).');
		await expect(owner.getByText('Live', { exact: true })).toBeVisible();

		// The ballot: the others' projects only, a live count of picks.
		await voter.goto(`/events/${slug}`);
		await voter.getByRole('link', { name: 'Open your ballot' }).click();
		await expect(voter.getByRole('group', { name: 'Pick up to 1 project' })).toBeVisible();
		await expect(ballotBoxes(voter)).toHaveCount(2);
		await expect(voter.getByText('My Own Thing')).toHaveCount(0);
		await expect(voter.getByRole('link', { name: /Demo of Robot Arm/ })).toHaveAttribute(
			'rel',
			'noopener noreferrer nofollow'
		);
		await expect(voter.getByTestId('pick-count')).toHaveText('0 of 1 picked.');
		await voter.getByLabel('Robot Arm').check();
		await voter.getByLabel('Solar Kite').check();
		await expect(voter.getByTestId('pick-count')).toContainText('2 picked: that is 1 too many');
		await voter.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(voter.getByRole('alert')).toHaveText(
			'You can pick at most 1 project in this event; you picked 2.'
		);
		await expect(voter.getByLabel('Solar Kite')).toBeChecked();
		await expect(owner.getByTestId('turnout')).toHaveText('0 of 3 attendees have voted (0%).');

		await voter.getByLabel('Solar Kite').uncheck();
		await voter.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(voter.getByTestId('ballot-saved')).toContainText('Your ballot is saved: 1 project.');
		// Live on the owner's screen, without reloading.
		await expect(owner.getByTestId('turnout')).toHaveText('1 of 3 attendees have voted (33%).');
		await expect(owner.getByRole('row', { name: /Robot Arm/ }).getByTestId('score')).toHaveText('1');

		// Coming back later: the vote is there, and can be changed.
		await voter.reload();
		await expect(voter.getByLabel('Robot Arm')).toBeChecked();
		await voter.getByLabel('Robot Arm').uncheck();
		await voter.getByLabel('Solar Kite').check();
		await voter.getByRole('button', { name: 'Change my ballot' }).click();
		await expect(voter.getByTestId('ballot-saved')).toBeVisible();
		await expect(owner.getByRole('row', { name: /Solar Kite/ }).getByTestId('score')).toHaveText('1');
		await expect(owner.getByRole('row', { name: /Robot Arm/ }).getByTestId('score')).toHaveText('0');
		await expect(owner.getByTestId('turnout')).toHaveText('1 of 3 attendees have voted (33%).');

		// The results stay private to the owner while voting is open.
		await voter.goto(`/events/${slug}/leaderboard`);
		await expect(voter.getByRole('heading', { level: 1 })).toHaveText(
			'The results of this event are published when voting closes.'
		);

		// The projector: hidden until the owner reveals it.
		await owner.goto(`/events/${slug}/projector`);
		await expect(owner.getByTestId('projector-hidden')).toBeVisible();
		await owner.getByRole('button', { name: 'Reveal' }).click();
		await expect(owner.getByTestId('projector-ranking').getByRole('listitem').first()).toContainText(
			'Solar Kite'
		);

		// Closing voting makes the results public and the ballot final.
		await movePhase(owner, slug, 'closed');
		await voter.goto(`/events/${slug}`);
		await voter.getByRole('link', { name: 'See the results' }).click();
		await expect(voter.getByRole('row', { name: /Solar Kite/ }).getByTestId('score')).toHaveText('1');
		await voter.goto(`/events/${slug}/vote`);
		await expect(voter.getByRole('heading', { level: 1 })).toHaveText('Voting has closed');
		await expect(voter.getByRole('link', { name: 'See the results' })).toBeVisible();
	});
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the ballot is a plain form: vote, be refused, vote, change the vote', async ({ browser, page }) => {
		test.setTimeout(120_000);
		await signInByPosts(page.context(), uniqueEmail('nojs'), {
			profile: { firstName: 'Noah', lastName: 'Script' }
		});
		const { owner, slug } = await votingEvent(browser, page);

		await page.goto(`/events/${slug}/vote`);
		await expect(page.getByTestId('pick-count')).toHaveCount(0); // no live count without JavaScript
		await page.getByLabel('Robot Arm').check();
		await page.getByLabel('Solar Kite').check();
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'You can pick at most 1 project in this event; you picked 2.'
		);
		await expect(page.getByLabel('Robot Arm')).toBeChecked();
		await expect(page.getByLabel('Solar Kite')).toBeChecked();

		await page.getByLabel('Robot Arm').uncheck();
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(page.getByTestId('ballot-saved')).toBeVisible();
		await page.goto(`/events/${slug}/vote`);
		await expect(page.getByLabel('Solar Kite')).toBeChecked();
		await expect(page.getByLabel('Robot Arm')).not.toBeChecked();

		await page.getByLabel('Solar Kite').uncheck();
		await page.getByLabel('Robot Arm').check();
		await page.getByRole('button', { name: 'Change my ballot' }).click();
		await expect(page.getByTestId('ballot-saved')).toBeVisible();
		await page.goto(`/events/${slug}/vote`);
		await expect(page.getByLabel('Robot Arm')).toBeChecked();
		await expect(page.getByLabel('Solar Kite')).not.toBeChecked();

		// The owner's ranking counts it (the owner's browser has JavaScript; the page also offers a reload).
		await owner.goto(`/events/${slug}/leaderboard`);
		await expect(owner.getByRole('row', { name: /Robot Arm/ }).getByTestId('score')).toHaveText('1');
		await expect(owner.getByRole('row', { name: /Solar Kite/ }).getByTestId('score')).toHaveText('0');
	});

	test("the owner's live ranking falls back to reloading", async ({ page }) => {
		await signInByPosts(page.context(), uniqueEmail('owner-nojs'), {
			profile: { firstName: 'Otto', lastName: 'Owner' }
		});
		await page.goto('/events/new');
		await page.getByLabel('Name').fill(`Quiet Fest ${Date.now()}`);
		await page.getByRole('button', { name: 'Create event' }).click();
		await expect(page.getByTestId('event-join-link')).toBeVisible();
		const slug = new URL(page.url()).pathname.split('/')[2];
		await page.goto(`/events/${slug}/leaderboard`);
		await expect(page.getByTestId('turnout')).toHaveText('0 of 0 attendees have voted (0%).');
		await expect(page.getByRole('link', { name: 'Reload for the latest figures' })).toBeVisible();
		expect(await page.locator('noscript').first().innerHTML()).toContain('http-equiv="refresh"');
	});
});

test('the live stream is for the owner only', async ({ browser, request }) => {
	const anonymous = await request.get('/events/no-such-event/live');
	expect(anonymous.status()).toBe(401);
	const owner = await person(browser, 'Oona');
	await owner.goto('/events/new');
	await owner.getByLabel('Name').fill(`Stream Fest ${Date.now()}`);
	await owner.getByRole('button', { name: 'Create event' }).click();
	await expect(owner.getByTestId('event-join-link')).toBeVisible();
	const slug = new URL(owner.url()).pathname.split('/')[2];
	expect((await request.get(`/events/${slug}/live`)).status()).toBe(401);
	const other = await person(browser, 'Otis');
	expect((await other.request.get(`/events/${slug}/live`)).status()).toBe(403);
	expect((await other.request.get(`/events/${slug}/projector`)).status()).toBe(403);
});
