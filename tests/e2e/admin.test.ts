import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';

// An organiser runs a whole event from the admin pages: settings, the join QR code and poster, phases,
// attendees, projects, votes, referrals, turnout, results and downloads, the activity log, and deletion.
// Attendees, each in their own browser, join, submit and vote through the ordinary pages.

async function person(browser: Browser) {
	const context = await browser.newContext({ acceptDownloads: true });
	return { context, page: await context.newPage() };
}

async function tab(page: Page, name: string) {
	await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name, exact: true }).click();
	await expect(page.getByRole('link', { name, exact: true })).toHaveAttribute('aria-current', 'page');
}

async function download(page: Page, name: string): Promise<{ filename: string; text: string }> {
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
	return { filename: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

test('an owner runs an event from the admin pages, from the QR poster to the results', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const eventName = `Admin Fair ${Date.now()}`;

	// Olivia creates the event and opens its admin pages from the event page.
	const olivia = await person(browser);
	await signInByPosts(olivia.page.context(), uniqueEmail('olivia'), {
		profile: { firstName: 'Olivia', lastName: 'Owner' }
	});
	await olivia.page.goto('/events/new');
	await olivia.page.getByLabel('Name').fill(eventName);
	await olivia.page.getByRole('button', { name: 'Create event' }).click();
	await olivia.page.getByRole('link', { name: 'Open the admin pages' }).click();
	await expect(olivia.page.getByRole('heading', { level: 1 })).toContainText(`Admin: ${eventName}`);
	const adminUrl = olivia.page.url();

	// Settings: demo links become optional, flags are cleaned up; a bad flag is refused first.
	await olivia.page.getByLabel('Feature flags').fill('daydream, <b>');
	await olivia.page.getByRole('button', { name: 'Save settings' }).click();
	await expect(olivia.page.getByText(/Each feature flag is one word/)).toBeVisible();
	await olivia.page.getByLabel('Description').fill('Bring junk, build things.');
	await olivia.page.getByLabel('Feature flags').fill('Daydream, ysws');
	await olivia.page.getByLabel(/Demo links are optional/).check();
	await olivia.page.getByRole('button', { name: 'Save settings' }).click();
	await expect(olivia.page.getByRole('status')).toHaveText('Settings saved.');
	await olivia.page.reload();
	await expect(olivia.page.getByLabel('Feature flags')).toHaveValue('daydream, ysws');

	// Joining: the code, the link, the QR code and the printable poster.
	await tab(olivia.page, 'Joining');
	const code = (await olivia.page.getByTestId('admin-join-code').textContent())!.trim();
	const link = (await olivia.page.getByTestId('admin-join-link').textContent())!.trim();
	expect(link).toMatch(new RegExp(`/join/${code}$`));
	const qr = olivia.page.getByTestId('join-qr');
	await expect(qr).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
	expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
	await olivia.page.getByRole('link', { name: 'Printable poster' }).click();
	await expect(olivia.page.getByTestId('poster-code')).toHaveText(code);
	await olivia.page.emulateMedia({ media: 'print' });
	await expect(olivia.page.getByRole('navigation', { name: 'Main' })).toBeHidden();
	await expect(olivia.page.getByTestId('poster-qr')).toBeVisible();
	await olivia.page.emulateMedia({ media: 'screen' });
	await olivia.page.getByRole('link', { name: 'Back to the admin pages' }).click();

	// Bob (a name that needs escaping in CSV) and Carol join by the link, answer the referral question
	// and submit projects: no demo link needed now.
	const attendees = [];
	for (const [firstName, lastName, referral, project] of [
		['Bob', '"The, Builder"', ' Instagram ', 'Junk Robot'],
		['Carol', 'Coder', 'instagram', 'Scrap Synth']
	]) {
		const p = await person(browser);
		await signInByPosts(p.page.context(), uniqueEmail(firstName.toLowerCase()), {
			profile: { firstName, lastName, displayName: `${firstName} ${lastName[0]}` }
		});
		await p.page.goto(new URL(link).pathname);
		await p.page.getByLabel('How did you hear about this event?').fill(referral);
		await p.page.getByRole('button', { name: 'Send answer' }).click();
		// The question goes once the answer is saved (the button itself says "Sending…" meanwhile).
		await expect(p.page.getByLabel('How did you hear about this event?')).toBeHidden();
		await p.page.getByRole('link', { name: 'Submit a project' }).click();
		await p.page.getByLabel('Project name').fill(project);
		await p.page.getByLabel('Hours spent').fill('5');
		await p.page.getByRole('button', { name: 'Submit project' }).click();
		await expect(p.page.getByRole('heading', { level: 1 })).toHaveText(project);
		attendees.push(p);
	}
	const [bob, carol] = attendees;

	// An attendee cannot reach the admin pages.
	const refused = await bob.page.goto(adminUrl);
	expect(refused?.status()).toBe(403);

	// Attendees: both listed, none has voted; the search finds one.
	await olivia.page.goto(adminUrl);
	await tab(olivia.page, 'Attendees');
	const table = olivia.page.getByTestId('attendees');
	await expect(table.getByRole('row')).toHaveCount(3);
	await expect(table.getByRole('row', { name: /Carol Coder/ })).toContainText('No');
	await olivia.page.getByLabel('Search by name or email').fill('CAROL');
	await olivia.page.getByRole('button', { name: 'Search' }).click();
	await expect(table.getByRole('row')).toHaveCount(2);
	await expect(olivia.page.getByTestId('pager-summary')).toContainText('1 attendees matching "CAROL"');

	// Phase control: choosing voting says what changes; only the confirmation changes it.
	await tab(olivia.page, 'Settings');
	await olivia.page.getByLabel('Move the event to').selectOption('voting');
	await olivia.page.getByRole('button', { name: 'Continue…' }).click();
	await expect(olivia.page.getByTestId('phase-change-description')).toHaveText(
		'Submissions close (projects and teams are frozen) and attendees can vote.'
	);
	await olivia.page.getByRole('button', { name: /Yes, move to/ }).click();
	await expect(olivia.page.getByRole('status')).toHaveText('The event is now: Voting open.');
	await expect(olivia.page.getByTestId('phase').first()).toHaveText('Voting open');

	// The turnout updates live while Bob votes for Carol's project.
	await tab(olivia.page, 'Turnout');
	await expect(olivia.page.getByTestId('admin-turnout')).toHaveText('0 of 2 attendees have voted');
	await expect(olivia.page.getByText('Updates live')).toBeVisible();
	await bob.page.goto(new URL(adminUrl).pathname.replace(/admin$/, 'vote'));
	await bob.page.getByLabel('Scrap Synth').check();
	await bob.page.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(bob.page.getByTestId('ballot-saved')).toBeVisible();
	await expect(olivia.page.getByTestId('admin-turnout')).toHaveText('1 of 2 attendees have voted');

	// Votes, projects and referrals.
	await tab(olivia.page, 'Votes');
	await expect(olivia.page.getByTestId('votes').getByRole('row', { name: /Bob/ })).toContainText(
		'Scrap Synth'
	);
	await tab(olivia.page, 'Projects');
	await expect(olivia.page.getByTestId('projects').getByRole('row', { name: /Scrap Synth/ })).toContainText(
		'Carol C'
	);
	await tab(olivia.page, 'Referrals');
	await expect(olivia.page.getByTestId('referrals').getByRole('row', { name: /instagram/i })).toContainText(
		'2'
	);

	// Results: the live ranking and the downloads.
	await tab(olivia.page, 'Results');
	await expect(olivia.page.getByTestId('ranking-row').first()).toContainText('Scrap Synth');
	const results = await download(olivia.page, 'Results (CSV)');
	expect(results.filename).toMatch(/-results\.csv$/);
	expect(results.text.startsWith('\uFEFFRank,Project,Team,Votes,Imported points,Score')).toBe(true);
	expect(results.text).toContain('\r\n1,Scrap Synth,');
	const people = await download(olivia.page, 'Attendees (CSV)');
	expect(people.text).toContain('Bob,"""The, Builder""",');
	expect(people.text).not.toMatch(/phone|street|birth/i);
	const votes = await download(olivia.page, 'Votes (CSV)');
	expect(votes.text.split('\r\n')).toHaveLength(3);

	// Regenerating the code: the old link stops working.
	await tab(olivia.page, 'Joining');
	await olivia.page.getByLabel(/I understand that the old code/).check();
	await olivia.page.getByRole('button', { name: 'Regenerate the join code' }).click();
	await expect(olivia.page.getByRole('status')).toContainText(`The old code ${code} no longer works.`);
	await expect(olivia.page.getByTestId('admin-join-code')).not.toHaveText(code);
	await carol.page.goto(new URL(link).pathname);
	await expect(carol.page.getByRole('alert')).toHaveText(/No event has that join code/);

	// Removing a project says how many votes go with it.
	await tab(olivia.page, 'Projects');
	await olivia.page.getByRole('link', { name: 'Remove Scrap Synth' }).click();
	await expect(olivia.page.getByRole('form', { name: /Remove the project/ })).toContainText('1 vote(s)');
	await olivia.page.getByLabel('Yes, delete this project and its votes').check();
	await olivia.page.getByRole('button', { name: 'Remove project' }).click();
	await expect(olivia.page.getByRole('status')).toHaveText('Removed “Scrap Synth” and its 1 vote(s).');
	await expect(olivia.page.getByTestId('projects')).not.toContainText('Scrap Synth');

	// Removing an attendee keeps their project unless ticked.
	await tab(olivia.page, 'Attendees');
	await olivia.page.getByRole('link', { name: /^Remove Bob/ }).click();
	await expect(
		olivia.page.getByText('Their projects and votes stay unless you also tick below:')
	).toBeVisible();
	await olivia.page.getByRole('button', { name: 'Remove attendee' }).click();
	await expect(olivia.page.getByRole('status')).toContainText('Removed Bob');
	await expect(olivia.page.getByTestId('attendees').getByRole('row')).toHaveCount(2);
	await tab(olivia.page, 'Projects');
	await expect(olivia.page.getByTestId('projects')).toContainText('Junk Robot');

	// The activity log has it all, newest first.
	await tab(olivia.page, 'Activity');
	const log = olivia.page.getByTestId('activity');
	await expect(log.getByRole('row').nth(1)).toContainText('Removed the attendee Bob');
	for (const text of [
		'Removed the project "Scrap Synth"',
		`Replaced the join code ${code}`,
		'Moved the event from submission to voting.',
		'Changed the settings: description, demo links optional, feature flags.'
	]) {
		await expect(log).toContainText(text);
	}
	await expect(log).toContainText('Olivia');

	// Deleting needs the exact name, then everything goes.
	await tab(olivia.page, 'Settings');
	await expect(olivia.page.getByTestId('deletion-counts')).toContainText('1 projects');
	await olivia.page.getByLabel("Type the event's name to confirm").fill('wrong name');
	await olivia.page.getByRole('button', { name: 'Delete this event and everything in it' }).click();
	await expect(olivia.page.getByRole('alert')).toContainText(`Type the event's name exactly`);
	await olivia.page.getByLabel("Type the event's name to confirm").fill(eventName);
	await olivia.page.getByRole('button', { name: 'Delete this event and everything in it' }).click();
	await expect(olivia.page).toHaveURL(/\/events$/);
	expect((await olivia.page.goto(adminUrl))?.status()).toBe(404);

	for (const p of [olivia, bob, carol]) await p.context.close();
});

test('signed out, the admin pages and downloads ask to sign in', async ({ page, request }) => {
	await page.goto('/events/any-event/admin/attendees');
	await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fevents%2Fany-event%2Fadmin%2Fattendees/);
	const csv = await request.get('/events/any-event/admin/results/votes.csv', { maxRedirects: 0 });
	expect(csv.status()).toBe(303);
	expect(csv.headers()['location']).toMatch(/^\/sign-in\?/);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the phase control, code regeneration and turnout work with plain forms and links', async ({
		browser
	}) => {
		const owner = await person(browser);
		await signInByPosts(owner.page.context(), uniqueEmail('nojs-admin'));
		await owner.page.goto('/events/new');
		await owner.page.getByLabel('Name').fill(`Plain Admin ${Date.now()}`);
		await owner.page.getByLabel(/Keep it as a draft/).check();
		await owner.page.getByRole('button', { name: 'Create event' }).click();
		await owner.page.getByRole('link', { name: 'Open the admin pages' }).click();

		await owner.page.getByLabel('Move the event to').selectOption('submission');
		await owner.page.getByRole('button', { name: 'Continue…' }).click();
		await expect(owner.page).toHaveURL(/\/admin\?phase=submission$/);
		await expect(owner.page.getByTestId('phase-change-description')).toHaveText(
			'Attendees can join and submit or edit projects.'
		);
		await owner.page.getByRole('button', { name: /Yes, move to/ }).click();
		await expect(owner.page.getByRole('status')).toHaveText('The event is now: Submissions open.');

		await tab(owner.page, 'Joining');
		const code = (await owner.page.getByTestId('admin-join-code').textContent())!.trim();
		// The box must be ticked: without it the server refuses and keeps the code.
		await owner.page
			.locator('form[action="?/regenerate"]')
			.evaluate((form) => form.setAttribute('novalidate', ''));
		await owner.page.getByRole('button', { name: 'Regenerate the join code' }).click();
		await expect(owner.page.getByText('Please correct the fields marked below.')).toBeVisible();
		await expect(owner.page.getByTestId('admin-join-code')).toHaveText(code);
		await owner.page.getByLabel(/I understand that the old code/).check();
		await owner.page.getByRole('button', { name: 'Regenerate the join code' }).click();
		await expect(owner.page.getByTestId('admin-join-code')).not.toHaveText(code);

		await tab(owner.page, 'Turnout');
		await expect(owner.page.getByTestId('admin-turnout')).toHaveText('0 of 0 attendees have voted');
		await expect(owner.page.getByRole('link', { name: 'Reload for the latest figures' })).toBeVisible();
		await owner.context.close();
	});
});
