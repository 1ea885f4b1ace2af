import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { createEvent, joinEvent, person } from './helpers/voting';

// An attendee whose sign-in mail does not arrive at the venue gets a one-time code from the organiser,
// who issues it on the event's Attendees page, and types it on another device.

test('the owner issues a sign-in code; the attendee signs in with it once', async ({ browser }) => {
	const owner = await person(browser, 'Olga');
	const attendee = await person(browser, 'Arturo');
	const { slug, joinLink } = await createEvent(owner, 'Codes Jam');
	await joinEvent(attendee, joinLink);

	await owner.goto(`/events/${slug}/admin/attendees`);
	await owner.getByRole('button', { name: 'Sign-in code for Arturo T.' }).click();
	const shown = owner.getByTestId('sign-in-code');
	await expect(shown).toHaveText(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
	const code = (await shown.textContent())!.trim();
	await expect(owner.getByRole('status')).toContainText(attendee.email);
	// The activity log says who issued a code for whom.
	await owner.goto(`/events/${slug}/admin/activity`);
	await expect(owner.getByText(`Issued a sign-in code for ${attendee.email}`)).toBeVisible();

	// On a device where nobody is signed in.
	const device = await (await browser.newContext()).newPage();
	await device.goto('/sign-in');
	await device.getByRole('link', { name: 'I have a sign-in code from an organiser' }).click();
	await expectAccessible(device, 'the sign-in code page');
	await device.getByLabel('Email address').fill(attendee.email);
	await device.getByLabel('Code').fill(code.toLowerCase());
	await device.getByRole('button', { name: 'Sign in' }).click();
	await expect(device).toHaveURL(new RegExp(`/events/${slug}$`));
	await device.goto('/profile');
	await expect(device.getByText(attendee.email)).toBeVisible();

	// A second use of the same code is refused with a sentence, and the address refills.
	const again = await (await browser.newContext()).newPage();
	await again.goto('/sign-in/code');
	await again.getByLabel('Email address').fill(attendee.email);
	await again.getByLabel('Code').fill(code);
	await again.getByRole('button', { name: 'Sign in' }).click();
	await expect(again.getByRole('alert')).toContainText('used already or expired');
	await expect(again.getByLabel('Email address')).toHaveValue(attendee.email);
	await again.goto('/profile');
	await expect(again).toHaveURL(/\/sign-in\?redirectTo=/);
});
