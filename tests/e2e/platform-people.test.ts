import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { makePlatformAdmin, onServer } from './helpers/platform';
import { createEvent, person } from './helpers/voting';

// A platform admin looks after people: opens a person from the People tab, reveals their private fields
// (the audit log shows it), changes their email, downloads their data, signs them out everywhere, and
// merges a duplicate account into theirs after reading what the merge will do.

async function openPerson(admin: Page, email: string) {
	await admin.goto('/admin');
	await admin
		.getByRole('navigation', { name: 'Platform admin' })
		.getByRole('link', { name: 'People' })
		.click();
	await expect(admin.getByRole('link', { name: 'People' })).toHaveAttribute('aria-current', 'page');
	await admin.getByLabel('Email or name starts with').fill(email);
	await admin.getByRole('button', { name: 'Search' }).click();
	await expect(admin.getByTestId('pager-summary')).toContainText('1 person');
	await admin.getByTestId('people').getByRole('link').first().click();
	await expect(admin.getByRole('heading', { level: 2 }).first()).toBeVisible();
}

test('a platform admin reveals, changes an email, exports, signs out and merges a duplicate', async ({
	browser
}) => {
	test.skip(!onServer, 'the operator command shares the database only with a PostgreSQL server');
	test.setTimeout(120_000);

	const admin = await person(browser, 'Ada');
	makePlatformAdmin(admin.email);
	const tom = Object.assign(await (await browser.newContext()).newPage(), { email: uniqueEmail('tom') });
	await signInByPosts(tom.context(), tom.email, {
		profile: { firstName: 'Tom', lastName: 'Tester', phone: '+44 20 7946 0000', city: 'Lambeth' }
	});
	await tom.goto('/');
	const dana = await person(browser, 'Dana');
	const { slug } = await createEvent(dana, 'Dana Fair');

	// Tom's page: no private field until the admin presses Reveal, which the audit log records.
	await openPerson(admin, tom.email);
	await expect(admin.getByRole('heading', { name: 'Tom Tester' })).toBeVisible();
	await expect(admin.getByText('+44 20 7946 0000')).toHaveCount(0);
	await admin.getByRole('button', { name: 'Reveal' }).click();
	await expect(admin.getByTestId('private-fields')).toContainText('+44 20 7946 0000');
	await expect(admin.getByTestId('private-fields')).toContainText('Lambeth');
	await admin.reload();
	await expect(admin.getByText('+44 20 7946 0000')).toHaveCount(0);
	await expect(admin.getByTestId('person-audit')).toContainText(
		`Revealed the phone, address and birth date of ${tom.email}`
	);

	// A new address, typed carelessly: stored trimmed and lower-cased; Tom stays signed in.
	const newEmail = uniqueEmail('tom-new');
	await admin.getByLabel('New email address').fill(`  ${newEmail.toUpperCase()}`);
	await admin.getByRole('button', { name: 'Change email' }).click();
	await expect(admin.getByRole('status')).toContainText(`Changed the email from ${tom.email} to ${newEmail}`);
	await tom.reload();
	await expect(tom.getByTestId('account-area').getByRole('button', { name: 'Sign out' })).toBeVisible();
	// An address that is taken is refused with a clear message.
	await admin.getByLabel('New email address').fill(dana.email);
	await admin.getByRole('button', { name: 'Change email' }).click();
	await expect(admin.getByRole('alert')).toContainText('already belongs to another account');

	// Their data as JSON; the download is audited.
	const [file] = await Promise.all([
		admin.waitForEvent('download'),
		admin.getByRole('link', { name: 'Download their data (JSON)' }).click()
	]);
	const data = JSON.parse(readFileSync((await file.path())!, 'utf8'));
	expect(data.profile).toMatchObject({ email: newEmail, phone: '+44 20 7946 0000', city: 'Lambeth' });
	expect(data.sessions.length).toBeGreaterThan(0);
	expect(Object.keys(data.sessions[0]).sort()).toEqual(['createdAt', 'expiresAt']);
	await admin.reload();
	await expect(admin.getByTestId('person-audit')).toContainText(`Downloaded the data of ${newEmail}`);

	// Signed out everywhere: Tom's browser is signed out at once.
	await admin.getByRole('button', { name: 'Sign out everywhere' }).click();
	await expect(admin.getByRole('status')).toContainText('session(s) ended');
	await tom.reload();
	await expect(tom.getByTestId('account-area').getByRole('link', { name: 'Sign in' })).toBeVisible();

	// Dana's account is a duplicate of Tom's: the admin reads the effect, then merges.
	await openPerson(admin, dana.email);
	await admin.getByLabel('Merge this duplicate into the account at').fill(newEmail);
	await admin.getByRole('button', { name: 'Show the effect of merging' }).click();
	await expect(admin.getByRole('heading', { name: `Merge into ${newEmail}?` })).toBeVisible();
	await expect(admin.getByTestId('merge-moves')).toContainText('1 owned event(s): Dana Fair');
	await expect(admin.getByTestId('merge-published')).toContainText('None');
	await admin.getByRole('button', { name: `Merge into ${newEmail}` }).click();
	await expect(admin.getByRole('status')).toContainText(`Merged ${dana.email} into this account`);
	await expect(admin.getByRole('heading', { name: 'Tom Tester' })).toBeVisible();
	await expect(admin.getByTestId('owned-events')).toContainText('Dana Fair');
	await expect(admin.getByTestId('person-audit')).toContainText(`Merged ${dana.email} into ${newEmail}`);
	// Dana's old account is signed out; her event now belongs to Tom's account.
	await dana.goto(`/events/${slug}/admin`);
	await expect(dana).toHaveURL(/\/sign-in/);
});

test('the people pages fit a 360 px phone: wide tables scroll inside their own box', async ({ browser }) => {
	test.skip(!onServer, 'the operator command shares the database only with a PostgreSQL server');
	const admin = await person(browser, 'Pia');
	makePlatformAdmin(admin.email);
	await admin.setViewportSize({ width: 360, height: 740 });
	for (const path of ['/admin/people', '/admin/people?q=pia']) {
		await admin.goto(path);
		await expect(admin.getByRole('heading', { name: 'People' })).toBeVisible();
		expect(await admin.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
	}
	await admin.getByTestId('people').getByRole('link').first().click();
	await admin.getByRole('link', { name: 'Delete this person…' }).click();
	await expect(admin.getByRole('heading', { name: /^Delete / })).toBeVisible();
	expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await admin.screenshot({ path: test.info().outputPath('person-360.png'), fullPage: true });
});
