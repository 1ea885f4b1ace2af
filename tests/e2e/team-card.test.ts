import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, joinEvent, movePhase, person, submitProject } from './helpers/voting';

// Issue 15 item 6: once voting has closed, the team sees its results on its project page (rank, shared
// ranks as "Tied 1st", votes, ballots that showed it, turnout); voters and others do not, nor does the
// team before the close.

test('after the close a team sees its results card on its project page; others never do', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const owner = await person(browser, 'Olive');
	const { slug, joinLink } = await createEvent(owner, 'Card Fest');
	const rita = await person(browser, 'Rita');
	await submitProject(rita, joinLink, 'Robot Arm');
	const robotArm = rita.url();
	const sol = await person(browser, 'Sol');
	await submitProject(sol, joinLink, 'Solar Kite');
	const vic = await person(browser, 'Vic');
	await joinEvent(vic, joinLink);
	await movePhase(owner, slug, 'voting');

	// Vic votes for Robot Arm, Rita for Solar Kite: one vote each, a shared first place.
	for (const [voter, pick] of [
		[vic, 'Robot Arm'],
		[rita, 'Solar Kite']
	] as const) {
		await voter.goto(`/events/${slug}/vote`);
		await voter.getByLabel(pick).check();
		await voter.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(voter.getByTestId('ballot-saved')).toBeVisible();
	}
	await rita.goto(robotArm);
	await expect(rita.getByRole('heading', { level: 1 })).toHaveText('Robot Arm');
	await expect(rita.getByTestId('team-results')).toHaveCount(0);

	await movePhase(owner, slug, 'closed');
	await rita.setViewportSize({ width: 360, height: 800 });
	await rita.goto(robotArm);
	const card = rita.getByRole('region', { name: 'Your results' });
	await expect(card).toBeVisible();
	await expect(card.getByTestId('team-rank')).toHaveText('Tied 1st of 2 projects');
	await expect(card).toContainText('Same score as 1 other project.');
	await expect(card.getByTestId('team-votes')).toHaveText('1');
	// Only Vic's ballot showed Robot Arm: Rita's own ballot leaves it out, Sol never opened one.
	await expect(card.getByTestId('team-shown')).toHaveText('1');
	await expect(card.getByTestId('team-turnout')).toHaveText('2 of 3 attendees voted');
	// Nothing spills sideways at 360 px.
	expect(await rita.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await expectAccessible(rita, 'project page with the team results card');

	for (const other of [vic, sol]) {
		await other.goto(robotArm);
		await expect(other.getByRole('heading', { level: 1 })).toHaveText('Robot Arm');
		await expect(other.getByTestId('team-results')).toHaveCount(0);
	}
	const anonymous = await (await browser.newContext()).newPage();
	await anonymous.goto(robotArm);
	await expect(anonymous.getByRole('heading', { level: 1 })).toHaveText('Robot Arm');
	await expect(anonymous.getByTestId('team-results')).toHaveCount(0);
});
