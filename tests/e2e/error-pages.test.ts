import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, joinEvent, movePhase, person } from './helpers/voting';

// Error pages in words (issue 13): what happened as the headline, what to do next, a link that goes
// there; the status code only as small print. Tried the way people meet them: a ballot opened after
// voting closed, an event link with a typo, an attendee on the owner's pages, a page that does not exist.

/** The error page shows words, not a bare code, and its small print names the status. */
async function expectWords(page: Page, status: number, headline: string | RegExp) {
	const h1 = page.getByRole('heading', { level: 1 });
	await expect(h1).toHaveText(headline);
	expect((await h1.textContent())!.trim()).not.toMatch(/^\d{3}$/);
	await expect(page.getByTestId('error-next')).not.toBeEmpty();
	await expect(page.getByTestId('error-status')).toContainText(`Status ${status}`);
	await expectAccessible(page, `the ${status} page`);
}

test('a ballot opened after voting closed says so and links to the results', async ({ browser }) => {
	test.setTimeout(90_000);
	const owner = await person(browser, 'Olga');
	const { slug, joinLink } = await createEvent(owner, 'Closed Jam');
	const voter = await person(browser, 'Vera');
	await joinEvent(voter, joinLink);
	await movePhase(owner, slug, 'closed');

	const response = await voter.goto(`/events/${slug}/vote`);
	expect(response?.status()).toBe(409);
	await expectWords(voter, 409, 'Voting has closed');
	await expect(voter.getByTestId('error-next')).toHaveText(
		'Ballots can no longer change. The results are on the leaderboard.'
	);
	await voter.getByRole('link', { name: 'See the results' }).click();
	await expect(voter).toHaveURL(new RegExp(`/events/${slug}/leaderboard$`));
	await expect(voter.getByTestId('error-page')).toHaveCount(0);
});

test('a ballot before voting opens, and one of someone who did not join, point the right way', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const owner = await person(browser, 'Otto');
	const { slug, joinLink } = await createEvent(owner, 'Early Jam');
	const early = await person(browser, 'Eve');
	await joinEvent(early, joinLink);

	await early.goto(`/events/${slug}/vote`);
	await expectWords(early, 409, 'Voting has not opened yet');
	await early.getByRole('link', { name: 'Go to the event page' }).click();
	await expect(early).toHaveURL(new RegExp(`/events/${slug}$`));

	await movePhase(owner, slug, 'voting');
	const outsider = await person(browser, 'Oscar');
	await outsider.goto(`/events/${slug}/vote`);
	await expectWords(outsider, 403, 'Only attendees of this event can vote');
	await outsider.getByRole('link', { name: 'Join with a code' }).click();
	await expect(outsider.getByRole('heading', { level: 1 })).toHaveText('Join an event');
});

test('an unknown event, an attendee on the owner pages and a missing page: words and a way on', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const owner = await person(browser, 'Omar');
	const { slug, joinLink } = await createEvent(owner, 'Guarded Jam');
	const attendee = await person(browser, 'Ann');
	await joinEvent(attendee, joinLink);

	let response = await attendee.goto(`/events/${slug}-typo`);
	expect(response?.status()).toBe(404);
	await expectWords(attendee, 404, 'Event not found.');
	await attendee.getByRole('link', { name: 'See your events' }).click();
	await expect(attendee.getByRole('heading', { level: 1 })).toHaveText('My events');

	for (const path of [`/events/${slug}/admin`, `/events/${slug}/projector`]) {
		response = await attendee.goto(path);
		expect(response?.status()).toBe(403);
		await expectWords(attendee, 403, /^Only the owner/);
	}
	await attendee.getByRole('link', { name: 'Go to the event page' }).click();
	await expect(attendee).toHaveURL(new RegExp(`/events/${slug}$`));

	// Signed out: the sign-in link returns to the page.
	const signedOut = await browser.newContext();
	const visitor = await signedOut.newPage();
	response = await visitor.goto('/no-such-page');
	expect(response?.status()).toBe(404);
	await expectWords(visitor, 404, 'Page not found');
	await expect(visitor.getByRole('link', { name: 'Back to the home page' })).toHaveAttribute('href', '/');
	await signedOut.close();
});
