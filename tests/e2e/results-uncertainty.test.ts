import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, joinEvent, movePhase, person, submitProject } from './helpers/voting';

// How sure the ranking is, as people see it: the owner's results page shows the margin and each
// project's likely places in words and as a bar while voting runs; the public leaderboard shows the same
// once voting is closed, also without JavaScript and on a phone.

async function vote(page: Page, slug: string, project: string) {
	await page.goto(`/events/${slug}`);
	await page.getByRole('link', { name: 'Open your ballot' }).click();
	await page.getByLabel(project).check();
	await page.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(page.getByTestId('ballot-saved')).toContainText('Your ballot is saved');
}

/** The "Likely place" words of the project's row. */
function placeOf(page: Page, project: string) {
	return page
		.getByTestId('uncertainty-row')
		.filter({ has: page.getByRole('rowheader', { name: project }) })
		.getByTestId('uncertainty-words');
}

async function fitsPhone(page: Page) {
	await page.setViewportSize({ width: 360, height: 800 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

test("the owner's results page and the closed leaderboard say how sure the ranking is", async ({
	browser
}) => {
	test.setTimeout(300_000);
	const owner = await person(browser, 'Olive');
	const { slug, joinLink } = await createEvent(owner, 'Close Call');
	const rita = await person(browser, 'Rita');
	const sol = await person(browser, 'Sol');
	const tia = await person(browser, 'Tia');
	const vic = await person(browser, 'Vic');
	await submitProject(rita, joinLink, 'Alpha Rover');
	await submitProject(sol, joinLink, 'Beta Bloom');
	await submitProject(tia, joinLink, 'Gamma Glow');
	await joinEvent(vic, joinLink);
	await movePhase(owner, slug, 'voting');

	// Before any ballot: nothing to resample, said so.
	await owner.goto(`/events/${slug}/admin/results`);
	await expect(owner.getByRole('heading', { name: 'How sure is this ranking?' })).toBeVisible();
	await expect(owner.getByText('No ballots yet: there is nothing to resample.')).toBeVisible();

	// Alpha 3, Beta 1, Gamma 0 from four ballots: Alpha leads, but four ballots prove little.
	await vote(sol, slug, 'Alpha Rover');
	await vote(tia, slug, 'Alpha Rover');
	await vote(vic, slug, 'Alpha Rover');
	await vote(rita, slug, 'Beta Bloom');

	await owner.reload();
	const section = owner.getByTestId('rank-uncertainty');
	// Sol owns Beta Bloom and may not vote for it: one of the other two Alpha voters switching ties.
	await expect(owner.getByTestId('margin')).toHaveText(
		'Margin: 1 ballot of 4. Changing one ballot in favour of Beta Bloom and against Alpha Rover would have tied or overturned first place.'
	);
	await expect(section.getByText(/in 95 % of 2,000 re-draws of the 4 ballots/)).toBeVisible();
	await expect(placeOf(owner, 'Alpha Rover')).toHaveText('1st or 2nd: too close to call');
	await expect(placeOf(owner, 'Beta Bloom')).toHaveText('1st or 2nd: too close to call');
	await expect(placeOf(owner, 'Gamma Glow')).toHaveText('2nd or 3rd: too close to call');
	await expect(section.getByTestId('statistically-tied')).toHaveCount(3);
	await expect(
		section.getByText('While voting runs, this follows the ballots every few seconds')
	).toBeVisible();
	// The bars draw the same intervals; the text carries them for screen readers.
	const bars = section.getByTestId('uncertainty-bar');
	await expect(bars).toHaveCount(3);
	await expect(bars.first()).toHaveAttribute('data-low', '1');
	await expect(bars.first()).toHaveAttribute('data-high', '2');
	await expect(section.getByText('(95 % interval: rank 1 to 2;', { exact: false }).first()).toBeAttached();
	await expectAccessible(owner, "the owner's results page");
	await fitsPhone(owner);

	// Still private while voting runs.
	const visitor = await browser.newContext({ javaScriptEnabled: false });
	const outsider = await visitor.newPage();
	await outsider.goto(`/events/${slug}/leaderboard`);
	await expect(outsider.getByTestId('rank-uncertainty')).toHaveCount(0);

	// Closed: public, with the same words, without JavaScript too.
	await movePhase(owner, slug, 'closed');
	await outsider.goto(`/events/${slug}/leaderboard`);
	await expect(outsider.getByRole('heading', { name: 'How sure is this ranking?' })).toBeVisible();
	await expect(outsider.getByTestId('margin')).toContainText('Margin: 1 ballot of 4.');
	await expect(placeOf(outsider, 'Alpha Rover')).toHaveText('1st or 2nd: too close to call');
	await expect(placeOf(outsider, 'Gamma Glow')).toHaveText('2nd or 3rd: too close to call');
	await expect(outsider.getByTestId('uncertainty-bar')).toHaveCount(3);
	await expect(outsider.getByText('As of when this page was loaded')).toHaveCount(0);
	// axe runs in the page, so this check needs a browser with JavaScript.
	const reader = await browser.newContext();
	const reading = await reader.newPage();
	await reading.goto(`/events/${slug}/leaderboard`);
	await expect(placeOf(reading, 'Beta Bloom')).toHaveText('1st or 2nd: too close to call');
	await expectAccessible(reading, 'the closed public leaderboard');
	await fitsPhone(reading);
	await reader.close();

	// The owner's own view of the closed leaderboard shows it as well.
	await owner.goto(`/events/${slug}/leaderboard`);
	await expect(placeOf(owner, 'Beta Bloom')).toHaveText('1st or 2nd: too close to call');
	await visitor.close();
});
