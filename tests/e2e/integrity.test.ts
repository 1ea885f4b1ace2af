import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, joinEvent, movePhase, person, submitProject } from './helpers/voting';

// Issue 15 items 4 and 5 in a browser: voters get receipts; the owner reviews the integrity flags before
// closing, voids a ballot with a reason (without JavaScript, a plain form), the voter reads why; once
// closed, anyone checks a receipt on the public list.

/** The voter opens their ballot, picks `project` and sends it at once (the fast-ballot signal fires). */
async function vote(voter: Page, slug: string, project: string): Promise<string> {
	await voter.goto(`/events/${slug}/vote`);
	await voter.getByLabel(project).check();
	await voter.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(voter.getByTestId('ballot-saved')).toBeVisible();
	const receipt = voter.getByTestId('ballot-receipt');
	await expect(receipt).toContainText(/[0-9A-Z]{5}-[0-9A-Z]{5}/);
	return /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec((await receipt.textContent())!)![1];
}

test('the owner reviews the flags before closing and voids a ballot; receipts are checked once closed', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const owner = await person(browser, 'Olga');
	const { slug, joinLink } = await createEvent(owner, 'Integrity Jam');
	for (const [name, project] of [
		['Ann', 'Rain Radio'],
		['Ben', 'Bike Lamp']
	]) {
		await submitProject(await person(browser, name), joinLink, project);
	}
	const vic = await person(browser, 'Vic');
	const wes = await person(browser, 'Wes');
	for (const voter of [vic, wes]) await joinEvent(voter, joinLink);
	await movePhase(owner, slug, 'voting');

	const vicReceipt = await vote(vic, slug, 'Rain Radio');
	const wesReceipt = await vote(wes, slug, 'Bike Lamp');
	await vic.goto(`/events/${slug}`);
	await expect(vic.getByTestId('ballot-receipt')).toContainText(vicReceipt);

	// Closing voting: the confirmation offers the review first.
	await owner.goto(`/events/${slug}/admin`);
	await owner.getByLabel('Move the event to').selectOption('closed');
	await owner.getByRole('button', { name: 'Continue…' }).click();
	await owner.getByRole('link', { name: 'Review the ballots before closing' }).click();
	await expect(owner.getByRole('link', { name: 'Review', exact: true })).toHaveAttribute(
		'aria-current',
		'page'
	);
	const fast = owner.getByTestId('signal-fast');
	await expect(fast.getByTestId('flag')).toHaveText(
		/2 ballots were saved less than 5 seconds after the ballot page was served\./
	);
	await expect(fast.getByTestId('flagged-ballot')).toHaveCount(2);
	await expect(fast.getByTestId('flagged-ballot').filter({ hasText: 'Vic T.' })).toContainText(
		/Rain Radio .* saved \d+\.\d s after the page was served/
	);
	await expect(owner.getByTestId('signal-reciprocal')).toContainText('No flag.');
	await expectAccessible(owner, 'review page');
	await owner.setViewportSize({ width: 360, height: 800 });
	expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

	// Voiding, without JavaScript: a plain form; the reason is required.
	const noScript = await browser.newContext({
		javaScriptEnabled: false,
		storageState: await owner.context().storageState()
	});
	const plain = await noScript.newPage();
	await plain.goto(`/events/${slug}/admin/review`);
	const vicRow = plain.getByTestId('signal-fast').getByTestId('flagged-ballot').filter({ hasText: 'Vic T.' });
	await vicRow.getByLabel(/Why void the ballot of Vic T\./).fill('Voted from a second account.');
	await vicRow.getByRole('button', { name: 'Void this ballot' }).click();
	await expect(plain.getByTestId('voided-message')).toHaveText('Voided the ballot of Vic T. (1 vote).');
	await expect(plain.getByTestId('voided-ballots')).toContainText('Vic T. (Rain Radio): voided by Olga T.');
	await expect(plain.getByTestId('signal-fast').getByTestId('flagged-ballot')).toHaveCount(1);
	await noScript.close();
	await owner.reload();
	await expect(owner.getByTestId('voided-ballots')).toContainText('Voted from a second account.');
	await expectAccessible(owner, 'review page after a void, at 360 px');

	// The voter reads why, and cannot vote again.
	await vic.goto(`/events/${slug}`);
	await expect(vic.getByTestId('ballot-voided')).toHaveText(
		'Your ballot was voided by the organisers: Voted from a second account.'
	);
	await vic.goto(`/events/${slug}/vote`);
	await expect(vic.getByTestId('ballot-voided')).toBeVisible();
	await vic.getByLabel('Bike Lamp').check();
	await vic.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(vic.getByText(/voided by the organisers: you cannot vote again here/)).toBeVisible();

	// Closed: the public list holds Wes's receipt, not Vic's voided one; anyone may check theirs.
	await movePhase(owner, slug, 'closed');
	const visitor = await (await browser.newContext()).newPage();
	await visitor.goto(`/events/${slug}/leaderboard`);
	await visitor.getByRole('link', { name: 'Check your ballot receipt' }).click();
	await expect(visitor.getByTestId('receipts')).toHaveText(wesReceipt);
	await visitor.getByLabel('Your receipt').fill(wesReceipt.toLowerCase());
	await visitor.getByRole('button', { name: 'Check' }).click();
	await expect(visitor.getByTestId('receipt-check')).toHaveText(
		`Receipt ${wesReceipt} is in the list: that ballot was counted.`
	);
	await visitor.getByLabel('Your receipt').fill(vicReceipt);
	await visitor.getByRole('button', { name: 'Check' }).click();
	await expect(visitor.getByTestId('receipt-check')).toContainText(
		`Receipt ${vicReceipt} is not in the list.`
	);
	await expectAccessible(visitor, 'receipts page');
	await wes.goto(`/events/${slug}`);
	await wes.getByRole('link', { name: 'Check that it was counted' }).click();
	await expect(wes.getByTestId('receipts')).toContainText(wesReceipt);
});
