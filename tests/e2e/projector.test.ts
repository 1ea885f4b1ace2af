import { expect, test, type Locator } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, movePhase, person, submitProject } from './helpers/voting';

// The projector view (issue 13): readable from the back of a room on a 1920x1080 screen (team names and
// turnout at 32 px or more), dark, and axe clean, before and after the owner reveals the ranking.

const fontSize = (locator: Locator) => locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

test('at 1920x1080 the projector is dark, its words are 32 px or more, and it passes axe', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const owner = await person(browser, 'Pia');
	const { slug, joinLink } = await createEvent(owner, 'Big Screen');
	await submitProject(await person(browser, 'Quinn'), joinLink, 'Loud Robot');
	await submitProject(await person(browser, 'Remy'), joinLink, 'Quiet Kite');
	await movePhase(owner, slug, 'voting');

	await owner.setViewportSize({ width: 1920, height: 1080 });
	await owner.goto(`/events/${slug}/projector`);
	await expect(owner.getByTestId('projector-hidden')).toBeVisible();
	const turnout = owner.getByTestId('projector-turnout');
	await expect(turnout).toHaveText('0 of 2 have voted');
	expect(await fontSize(turnout)).toBeGreaterThanOrEqual(32);
	const background = await owner
		.getByRole('region', { name: 'Projector view' })
		.evaluate((el) => getComputedStyle(el).backgroundColor);
	// Tailwind's slate-950 (oklch); dark whatever the browser's colour scheme.
	expect(background).toMatch(/oklch\(0\.1\d|rgb\(2, 6, 23\)/);
	await expectAccessible(owner, 'the projector before the reveal');

	await owner.getByRole('button', { name: 'Reveal' }).click();
	const rows = owner.getByTestId('projector-ranking').getByRole('listitem');
	await expect(rows).toHaveCount(2);
	for (const row of await rows.all()) {
		expect(await fontSize(row.getByTestId('projector-name'))).toBeGreaterThanOrEqual(32);
		const team = row.getByTestId('projector-team');
		await expect(team).toHaveText(/Quinn T\.|Remy T\./);
		expect(await fontSize(team)).toBeGreaterThanOrEqual(32);
	}
	expect(await fontSize(turnout)).toBeGreaterThanOrEqual(32);
	// Wait for the rows' entrance to end: axe reads colours mid-animation otherwise.
	await owner.waitForTimeout(4_000);
	await expectAccessible(owner, 'the projector after the reveal');
});
