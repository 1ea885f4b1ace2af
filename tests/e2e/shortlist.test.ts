import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { needServerDatabase, onServerDatabase } from './helpers/server-database';
import { createEvent, joinEvent, movePhase, person } from './helpers/voting';

// Issue 15 item 2 in the browser: the owner sets a shortlist for large events, a
// voter's ballot starts with it, "Show all" (a plain link) opens the full list, a pick from there counts
// and stays ticked back on the shortlist; the owner reads the coverage on the results page.
//
// The event's 18 projects are written straight into the server's database (18 people submitting through
// the forms would take minutes), so this needs that database's URL, as unsafe-links.test.ts does.
needServerDatabase();

async function addProjects(slug: string, count: number) {
	await onServerDatabase(async (client) => {
		const { rows } = await client.query<{ id: string }>('SELECT id FROM events WHERE slug = $1', [slug]);
		const eventId = rows[0].id;
		for (let i = 1; i <= count; i++) {
			const tag = `${slug}-${i}`;
			const { rows: users } = await client.query<{ id: string }>(
				`INSERT INTO users (email, first_name, display_name, profile_completed_at)
				VALUES ($1, 'Maker', $2, now()) RETURNING id`,
				[`maker-${tag}@example.test`, `Maker ${i}`]
			);
			await client.query('INSERT INTO event_attendees (event_id, user_id) VALUES ($1, $2)', [
				eventId,
				users[0].id
			]);
			await client.query(
				`INSERT INTO projects (name, description, demo_url, hours_spent, join_code, owner_id, event_id)
				VALUES ($1, 'Made for the shortlist test.', 'https://example.test/demo', 5,
					upper(substr(md5(random()::text), 1, 10)), $2, $3)`,
				[`Gadget ${String(i).padStart(2, '0')}`, users[0].id, eventId]
			);
		}
	});
}

const boxes = (page: Page) => page.getByRole('group', { name: /Pick up to/ }).getByRole('checkbox');

test('a large event: shortlist setting, shortlist ballot, full list by link, coverage', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const owner = await person(browser, 'Olive');
	const { slug, joinLink } = await createEvent(owner, 'Big Fest');

	// The setting: a threshold too small is refused with a message, nothing saved; then a good one.
	await owner.goto(`/events/${slug}/admin`);
	const setting = owner.getByRole('region', { name: 'Ballots for large events' });
	await setting.getByLabel('Shortlist when the event has more than').fill('10');
	await setting.getByLabel('Projects on each shortlist').fill('8');
	await setting.getByRole('button', { name: 'Save ballot setting' }).click();
	await expect(
		setting.getByText('The number of projects must be a whole number from 16 to 100,000, or empty.')
	).toBeVisible();
	await expect(setting.getByLabel('Shortlist when the event has more than')).toHaveValue('10');
	await setting.getByLabel('Shortlist when the event has more than').fill('16');
	await setting.getByRole('button', { name: 'Save ballot setting' }).click();
	await expect(setting.getByRole('status')).toHaveText('Ballot setting saved.');
	await expect(setting.getByLabel('Shortlist when the event has more than')).toHaveValue('16');
	await expectAccessible(owner, 'event settings with the ballot setting');

	await addProjects(slug, 18);
	const voter = await person(browser, 'Vera');
	await joinEvent(voter, joinLink);
	const second = await person(browser, 'Wes');
	await joinEvent(second, joinLink);
	await movePhase(owner, slug, 'voting');

	await voter.setViewportSize({ width: 360, height: 800 });
	await voter.goto(`/events/${slug}/vote`);
	await expect(boxes(voter)).toHaveCount(8);
	expect(await voter.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await expectAccessible(voter, 'ballot with a shortlist');

	// The same voter on a browser without JavaScript: the same shortlist, plain links and forms.
	const plain = await (
		await browser.newContext({ javaScriptEnabled: false, storageState: await voter.context().storageState() })
	).newPage();
	await plain.goto(`/events/${slug}/vote`);
	await expect(boxes(plain)).toHaveCount(8);
	await expect(plain.getByTestId('shortlist-note')).toContainText('a shortlist of 8 of the 18 projects');
	const shortlisted = await plain
		.getByRole('group', { name: /Pick up to/ })
		.locator('label')
		.allTextContents();

	await plain.getByRole('link', { name: 'Show all 18 projects' }).click();
	await expect(boxes(plain)).toHaveCount(18);
	const all = await plain
		.getByRole('group', { name: /Pick up to/ })
		.locator('label')
		.allTextContents();
	expect(all.slice(0, 8)).toEqual(shortlisted);
	const outside = all[12];
	await plain.getByLabel(outside).check();
	await plain.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(plain.getByTestId('ballot-saved')).toContainText('Your ballot is saved: 1 project.');

	await plain.getByRole('link', { name: 'Back to your shortlist' }).click();
	await expect(boxes(plain)).toHaveCount(9);
	await expect(plain.getByLabel(outside)).toBeChecked();

	// The owner's coverage: Vera's ballot showed all 18 projects once; nobody else opened one.
	await owner.goto(`/events/${slug}/admin/results`);
	const coverage = owner.getByTestId('coverage');
	await expect(coverage.getByTestId('coverage-min')).toHaveText('1');
	await expect(coverage.getByTestId('coverage-median')).toHaveText('1');
	await expect(coverage.getByTestId('coverage-max')).toHaveText('1');
	await expect(coverage.getByTestId('coverage-summary')).toContainText(
		'1 voter has opened the ballot, 1 with a shortlist'
	);
	await expectAccessible(owner, 'results with coverage');

	// While voting runs the figures follow the ballots without a reload: Wes opens his ballot, whose
	// shortlist takes 8 of the projects seen least, and the owner's open page shows them seen twice.
	await second.goto(`/events/${slug}/vote`);
	await expect(boxes(second)).toHaveCount(8);
	await expect(coverage.getByTestId('coverage-max')).toHaveText('2', { timeout: 25_000 });
	await expect(coverage.getByTestId('coverage-min')).toHaveText('1');
	await expect(coverage.getByTestId('coverage-summary')).toContainText(
		'2 voters have opened the ballot, 2 with a shortlist'
	);
});
