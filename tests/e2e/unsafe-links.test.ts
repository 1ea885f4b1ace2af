import { expect, test, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { signInByPosts, uniqueEmail } from './helpers/auth';

// A project whose links no form accepts (javascript: ...), as rows imported before the backfill checked
// links, or written by hand in SQL, hold them: the project page, the gallery and the ballot show the
// project without them, and no element of those pages has an href or src that is not http(s).
//
// The rows are written straight into the server's database, so this needs that database's URL. With the
// embedded database (PGlite) the database lives inside the server's process, which holds it while it
// runs: nothing else can open it, and every way into it from outside goes through the forms.
const databaseUrl = process.env.DATABASE_URL?.trim();
test.skip(
	!databaseUrl,
	'needs the server database in DATABASE_URL (npm test sets it when TEST_DATABASE_URL is set): ' +
		'the embedded database cannot be written by another process while the server holds it'
);

const UNSAFE = {
	demo_url: 'javascript:alert(1)',
	repo_url: ' \t\nJaVaScRiPt:alert(2)',
	image_url: 'javascript:alert(3)'
};

async function person(browser: Browser, name: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInByPosts(context, uniqueEmail(name.toLowerCase()), {
		profile: { firstName: name, lastName: 'Tester' }
	});
	return page;
}

async function submitProject(page: Page, joinLink: string, name: string): Promise<string> {
	const slug = name.toLowerCase().replace(/\W+/g, '-');
	await page.goto(new URL(joinLink).pathname);
	await page.getByRole('link', { name: 'Submit a project' }).click();
	await page.getByLabel('Project name').fill(name);
	await page.getByLabel('Demo link').fill(`https://${slug}.example.test`);
	await page.getByLabel('Repository link (optional)').fill(`https://example.test/${slug}`);
	await page.getByLabel('Screenshot or image link (optional)').fill(`https://example.test/${slug}.png`);
	await page.getByLabel('Hours spent').fill('10');
	await page.getByRole('button', { name: 'Submit project' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	return new URL(page.url()).pathname;
}

/**
 * Every href and src on the page whose scheme is not http(s), resolved as the browser resolves them;
 * but the tab's icon, which app.html writes inline as a data: URL.
 */
function unsafeLinks(page: Page): Promise<string[]> {
	return page.locator('[href]:not(link[rel="icon"]), [src]').evaluateAll((elements) =>
		elements
			.flatMap((element) => [element.getAttribute('href'), element.getAttribute('src')])
			.filter((value): value is string => value !== null)
			.filter((value) => !['http:', 'https:'].includes(new URL(value, document.baseURI).protocol))
	);
}

/** The page as the browser shows it, and the HTML the server sends (with the page's data in it). */
async function expectNoUnsafeLinks(page: Page) {
	expect(await unsafeLinks(page)).toEqual([]);
	const html = await (await page.request.get(page.url())).text();
	expect(html).not.toMatch(/javascript:/i);
}

test('links that are not http(s) in the database are never rendered', async ({ browser }) => {
	test.setTimeout(120_000);
	const owner = await person(browser, 'Olive');
	await owner.goto('/events/new');
	await owner.getByLabel('Name').fill(`Link Jam ${Date.now()}`);
	await owner.getByRole('button', { name: 'Create event' }).click();
	const joinLink = (await owner.getByTestId('event-join-link').textContent())!.trim();
	const slug = new URL(owner.url()).pathname.split('/')[2];

	const evilPath = await submitProject(await person(browser, 'Rita'), joinLink, 'Evil Links');
	await submitProject(await person(browser, 'Sol'), joinLink, 'Good Links');
	const voter = await person(browser, 'Vic');
	await voter.goto(new URL(joinLink).pathname);
	await expect(voter.getByRole('heading', { level: 1 })).toContainText('Link Jam');

	// As old data would have it: the links written straight into the database.
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		const { rowCount } = await client.query(
			`UPDATE projects SET demo_url = $1, repo_url = $2, image_url = $3 WHERE id = $4`,
			[UNSAFE.demo_url, UNSAFE.repo_url, UNSAFE.image_url, evilPath.split('/')[2]]
		);
		expect(rowCount).toBe(1);
	} finally {
		await client.end();
	}

	await owner.goto(`/events/${slug}/admin`);
	await owner.getByLabel('Move the event to').selectOption('voting');
	await owner.getByRole('button', { name: 'Continue…' }).click();
	await owner.getByRole('button', { name: /Yes, move to/ }).click();
	await expect(owner.getByRole('status')).toContainText('The event is now');

	// The project page: the project, without its links.
	await voter.goto(evilPath);
	await expect(voter.getByRole('heading', { level: 1 })).toHaveText('Evil Links');
	await expect(voter.getByText('Hours spent: 10')).toBeVisible();
	await expect(voter.getByRole('img', { name: 'Screenshot of Evil Links' })).toHaveCount(0);
	await expect(voter.getByText('Demo:')).toHaveCount(0);
	await expectNoUnsafeLinks(voter);

	// The gallery: both projects, one image (the good project's).
	await voter.goto(`/events/${slug}`);
	await expect(voter.getByTestId('gallery').getByRole('listitem')).toHaveCount(2);
	await expect(voter.getByTestId('gallery').locator('img')).toHaveCount(1);
	await expectNoUnsafeLinks(voter);

	// The ballot: the evil project can still be picked; only the good one has demo and code links.
	await voter.goto(`/events/${slug}/vote`);
	await expect(voter.getByLabel('Evil Links')).toBeVisible();
	await expect(voter.getByRole('link', { name: /Demo of Good Links/ })).toHaveAttribute(
		'href',
		'https://good-links.example.test'
	);
	await expect(voter.getByRole('link', { name: /of Evil Links/ })).toHaveCount(0);
	await expectNoUnsafeLinks(voter);
});
