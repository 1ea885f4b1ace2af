import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { makePlatformAdmin, onServer } from './helpers/platform';
import { createEvent, movePhase, person, submitProject } from './helpers/voting';

// A platform admin fixes an event's data as operators do: adds a latecomer to the attendees with a
// reason, voids a ballot cast from a shared laptop, finds both in the activity log, and downloads the
// grant programmes' project export.

test.skip(!onServer, 'the operator command that makes a platform admin needs the PostgreSQL server');

test('a platform admin adds an attendee, voids a ballot, finds both in the activity log, and exports', async ({
	browser
}) => {
	test.setTimeout(180_000);

	const owner = await person(browser, 'Olga');
	const { slug, joinLink } = await createEvent(owner, 'Fix Fair');
	const sam = await person(browser, 'Sam');
	await submitProject(sam, joinLink, 'Robot Arm');
	const vic = await person(browser, 'Vic');
	await submitProject(vic, joinLink, 'Solar Kite');
	await movePhase(owner, slug, 'voting');
	await vic.goto(`/events/${slug}`);
	await vic.getByRole('link', { name: 'Open your ballot' }).click();
	await vic.getByLabel('Robot Arm').check();
	await vic.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(vic.getByTestId('ballot-saved')).toContainText('Your ballot is saved');
	const lena = await person(browser, 'Lena');

	const admin = await person(browser, 'Paula');
	makePlatformAdmin(admin.email);

	// The person page links here with the event and email filled in.
	await admin.goto(`/admin/fixes?${new URLSearchParams({ event: slug, email: lena.email })}`);
	const attendees = admin.getByRole('region', { name: 'Attendees' });
	await expect(attendees.getByLabel('Email of the person')).toHaveValue(lena.email);
	await attendees.getByLabel('Reason (for the audit log)').fill('Registered at the door');
	await attendees.getByRole('button', { name: 'Add attendee' }).click();
	await expect(admin.getByTestId('fix-done')).toHaveText(new RegExp(`Added ${lena.email} to the attendees`));
	// A second time (the form was emptied after the fix was made): refused, with a message.
	await attendees.getByLabel('Reason (for the audit log)').fill('Registered at the door, again');
	await attendees.getByRole('button', { name: 'Add attendee' }).click();
	await expect(attendees.getByRole('alert')).toContainText('already attends');

	// Voiding Vic's ballot: the look-up shows what goes before anything changes.
	const ballot = admin.getByRole('region', { name: 'Void a ballot' });
	await ballot.getByLabel('Event (slug or join code)').fill(slug);
	await ballot.getByLabel('Email of the voter').fill(vic.email);
	await ballot.getByRole('button', { name: 'Look up the ballot' }).click();
	await expect(ballot.getByTestId('ballot-votes')).toHaveText('Robot Arm');
	await ballot.getByLabel('Reason (for the audit log)').fill('Voted from a shared laptop');
	await ballot.getByRole('button', { name: 'Void ballot' }).click();
	await expect(admin.getByTestId('fix-done')).toContainText(`Voided the ballot of ${vic.email}`);
	await vic.goto(`/events/${slug}`);
	await vic.getByRole('link', { name: 'Open your ballot' }).click();
	await expect(vic.getByLabel('Robot Arm')).not.toBeChecked();

	// Both fixes in the activity log, with their reasons, among the owner's own actions.
	await admin
		.getByRole('navigation', { name: 'Platform admin' })
		.getByRole('link', { name: 'Activity' })
		.click();
	await admin.getByLabel('Event (slug or name)').fill(slug);
	await admin.getByRole('button', { name: 'Filter' }).click();
	const log = admin.getByTestId('activity');
	// The filter also finds events whose names look alike (other tests' events, running meanwhile).
	const ours = (action: string) =>
		log.getByRole('row').filter({ hasText: action }).filter({ hasText: 'Fix Fair' });
	await expect(ours('ballot voided')).toContainText('Reason: Voted from a shared laptop');
	await expect(ours('attendee added')).toContainText('Reason: Registered at the door');
	await expect(ours('phase changed')).toContainText('event owner');

	// The export of the event: one row per project and person.
	await admin
		.getByRole('navigation', { name: 'Platform admin' })
		.getByRole('link', { name: 'Exports' })
		.click();
	await admin.getByLabel('Or event slugs').fill(slug);
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByTestId('export-summary')).toHaveText('1 event(s), 2 project(s), 2 row(s).');
	const [file] = await Promise.all([
		admin.waitForEvent('download'),
		admin.getByRole('link', { name: 'Download CSV' }).click()
	]);
	expect(file.suggestedFilename()).toMatch(
		new RegExp(`^podium-projects-${slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`)
	);
	const lines = readFileSync((await file.path())!, 'utf8').split('\r\n');
	expect(lines[0]).toBe(
		'\uFEFFEvent,Event slug,Project,Project id,Description,Repo URL,Demo URL,Image URL,Hours spent,Role,' +
			'First name,Last name,Display name,Email,Street 1,Street 2,City,State,ZIP code,Country,Birth date'
	);
	const robot = lines.find((line) => line.includes('Robot Arm'))!;
	expect(robot).toContain(`,owner,Sam,Tester,`);
	expect(robot).toContain(sam.email);

	// On a 360 px phone the pages' content fits: their tables scroll inside their own boxes. (The site
	// header's fit is the header's own test.)
	await admin.setViewportSize({ width: 360, height: 740 });
	for (const path of ['/admin/fixes', `/admin/activity?event=${slug}`, `/admin/exports?slugs=${slug}`]) {
		await admin.goto(path);
		const overflow = await admin.evaluate(
			() => document.querySelector('main')!.scrollWidth - window.innerWidth
		);
		expect(overflow, `${path} fits 360 px`).toBeLessThanOrEqual(0);
	}
});
