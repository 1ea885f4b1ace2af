import { expect, test, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { makePlatformAdmin, onServer } from './helpers/platform';
import { createEvent, joinEvent, movePhase, person } from './helpers/voting';

// An operator reads the platform dashboard: the headline figures, the event in voting right now (with a
// way into its owner pages), the charts and their tables, and another range of months. Then again on a
// 360 px phone with JavaScript turned off: the charts are SVG the server drew, and nothing scrolls sideways.

test.skip(!onServer, 'makes a platform admin with the operator command, which needs a PostgreSQL server');

const CHARTS = [
	'Events created per month, by phase',
	'Joins per month',
	'Projects created per month',
	'Sign-ups per month',
	'People in total',
	'Turnout per event',
	'How people heard of the events'
];

async function signInAsPlatformAdmin(page: Page, name: string) {
	const email = uniqueEmail(name);
	await signInByPosts(page.context(), email, { profile: { firstName: name, lastName: 'Operator' } });
	makePlatformAdmin(email);
	await page.goto('/admin');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Platform admin');
}

let eventName = '';

test('an operator reads the dashboard and opens the owner pages of the event in voting', async ({
	browser,
	page
}) => {
	test.setTimeout(120_000);
	// An event in voting, with two projects: Olivia's, Bob and Carol's.
	const olivia = await person(browser, 'Olivia');
	const event = await createEvent(olivia, 'Dashboard Jam');
	eventName = (await olivia.getByRole('heading', { level: 1 }).textContent())!.trim();
	for (const [name, answer] of [
		['Bob', '  Dashboard  Club '],
		['Carol', 'dashboard club']
	]) {
		const attendee = await person(browser, name);
		await joinEvent(attendee, event.joinLink);
		await attendee.getByLabel('How did you hear about this event?').fill(answer);
		await attendee.getByRole('button', { name: 'Send answer' }).click();
		// The question goes once the answer is saved (the button itself says "Sending…" meanwhile).
		await expect(attendee.getByLabel('How did you hear about this event?')).toBeHidden();
		await attendee.getByRole('link', { name: 'Submit a project' }).click();
		await attendee.getByLabel('Project name').fill(`${name}'s Gadget`);
		await attendee.getByLabel('Demo link').fill(`https://${name.toLowerCase()}.example.test`);
		await attendee.getByLabel('Hours spent').fill('4');
		await attendee.getByRole('button', { name: 'Submit project' }).click();
		await expect(attendee.getByRole('heading', { level: 1 })).toHaveText(`${name}'s Gadget`);
	}
	await movePhase(olivia, event.slug, 'voting');

	await signInAsPlatformAdmin(page, 'ada');
	const figures = page.getByTestId('headlines');
	for (const label of ['People', 'Events', 'Projects', 'Votes']) {
		await expect(figures.getByText(label, { exact: true })).toBeVisible();
	}
	await expect(page.getByTestId('scope-note')).toContainText('Soft-deleted events');
	// The referral answers of both, counted as one answer.
	const referrals = page.getByRole('figure', { name: 'How people heard of the events' });
	await referrals.getByText('The figures as a table').click();
	await expect(referrals.getByRole('row', { name: /^dashboard club/ }).getByRole('cell')).toHaveText(
		/^[2-9]|\d\d/
	);

	// The event in voting: live turnout, and its owner pages one click away.
	const now = page.getByRole('region', { name: 'Voting now' });
	const entry = now.getByRole('listitem').filter({ hasText: eventName });
	await expect(entry.getByRole('progressbar', { name: `Turnout of ${eventName}` })).toHaveAttribute(
		'aria-valuetext',
		'0 of 2 attendees have voted'
	);
	await expect(entry).toContainText('0 ballots in the last 10 minutes');

	// Every chart is drawn, named, and has its figures as a table.
	for (const name of CHARTS) {
		const chart = page.getByRole('figure', { name });
		await expect(chart.getByRole('img', { name })).toBeVisible();
	}
	const phases = page.getByRole('figure', { name: CHARTS[0] });
	for (const label of ['Draft', 'Submissions open', 'Voting open', 'Closed']) {
		await expect(phases.getByRole('list', { name: 'Legend' }).getByText(label)).toBeVisible();
	}
	await phases.getByText('The figures as a table').click();
	const thisMonth = new Date().toLocaleString('en', { month: 'short', year: 'numeric', timeZone: 'UTC' });
	const row = phases.getByRole('row', { name: new RegExp(`^${thisMonth}`) });
	// This month has at least our event, in voting (the third number: Voting open).
	expect(Number(await row.getByRole('cell').nth(2).textContent())).toBeGreaterThanOrEqual(1);

	// Another range of months, then one that makes no sense: it says so and shows the default instead.
	await page.getByLabel('First month').fill('2025-01');
	await page.getByLabel('Last month').fill('2025-03');
	await page.getByRole('button', { name: 'Show' }).click();
	await expect(page).toHaveURL(/[?&]from=2025-01&to=2025-03/);
	await expect(page.getByRole('heading', { name: 'From Jan 2025 to Mar 2025' })).toBeVisible();
	await page.goto('/admin?from=2025-05&to=2025-02');
	await expect(page.getByTestId('range-error')).toContainText(
		'The first month must not come after the last one.'
	);
	await expect(page.getByTestId('range-error')).toContainText('Showing the last 12 months instead.');

	await page.goto('/admin');
	await page
		.getByRole('region', { name: 'Voting now' })
		.getByRole('link', { name: eventName, exact: true })
		.click();
	await expect(page).toHaveURL(new RegExp(`/events/${event.slug}/admin$`));
	await expect(page.getByRole('heading', { level: 1 })).toContainText(eventName);
});

test.describe('on a 360 px phone without JavaScript', () => {
	test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 780 } });

	test('the charts are there, readable, with their tables, and the page does not scroll sideways', async ({
		page
	}) => {
		test.setTimeout(60_000);
		await signInAsPlatformAdmin(page, 'nojs');
		for (const name of CHARTS) {
			const image = page.getByRole('figure', { name }).getByRole('img', { name });
			await expect(image).toBeVisible();
			const box = (await image.boundingBox())!;
			expect(box.width).toBeGreaterThan(250);
			expect(box.x + box.width).toBeLessThanOrEqual(360);
		}
		// The axis labels stay readable when the chart is scaled down to the phone.
		const label = page.getByRole('figure', { name: CHARTS[1] }).locator('svg text').first();
		expect((await label.boundingBox())!.height).toBeGreaterThanOrEqual(9);

		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);

		// <details> opens without JavaScript.
		const turnout = page.getByRole('figure', { name: 'Turnout per event' });
		await turnout.getByText('The figures as a table').click();
		await expect(turnout.getByRole('row', { name: /^90%–100%/ })).toBeVisible();

		// The range form is a plain GET.
		await page.getByLabel('First month').fill('2025-06');
		await page.getByLabel('Last month').fill('2025-08');
		await page.getByRole('button', { name: 'Show' }).click();
		await expect(page.getByRole('heading', { name: 'From Jun 2025 to Aug 2025' })).toBeVisible();
		await expect(page).toHaveURL(/[?&]from=2025-06&to=2025-08/);
		expect(
			await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
		).toBeLessThanOrEqual(0);
	});
});
