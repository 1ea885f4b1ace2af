import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';

// Issue 13 item 2: every create and join form makes one row however often it is sent: a double click
// with JavaScript, a double tap without it (the browser posts twice), or two quick posts of the same
// rendered form; and the button says that the form is being sent while the server is slow.

async function person(browser: Browser, name: string, options: { javaScriptEnabled?: boolean } = {}) {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	const email = uniqueEmail(name.toLowerCase());
	await signInByPosts(context, email, { profile: { firstName: name, lastName: 'Tester' } });
	return page;
}

const stamp = () => `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

/** How many of the owner's events are called `name`, as their list of events shows them. */
async function eventsCalled(owner: Page, name: string) {
	await owner.goto('/events');
	return owner.getByRole('link', { name, exact: true }).count();
}

/** The "N projects · M attendees" of an event's page. */
async function eventCounts(page: Page, slug: string) {
	await page.goto(`/events/${slug}`);
	const line = (await page.getByText(/\d+ projects ·/).textContent())!.replace(/\s+/g, ' ');
	const [, projects, attendees] = /(\d+) projects · (\d+) attendees/.exec(line)!;
	return { projects: Number(projects), attendees: Number(attendees) };
}

/** The team of a project as its page lists it. */
async function teamOf(page: Page, projectPath: string) {
	await page.goto(projectPath);
	return page.getByTestId('team').getByRole('listitem').allTextContents();
}

/** Two taps on a submit button, the second while the first post is being answered (as a person does). */
async function doubleTap(button: Locator, { javaScriptEnabled }: { javaScriptEnabled: boolean }) {
	const page = button.page();
	// With JavaScript, once the page's script has taken over: a tap before that posts the form as a page
	// without JavaScript does, and so does the second (seen on a loaded machine).
	if (javaScriptEnabled) await expect(page.locator('html[data-started]')).toHaveCount(1);
	// The mouse at the button's place both times: with JavaScript its label has changed by the second
	// tap (e.g. "Creating…", and it is disabled); without, the page is still the one being left.
	await button.scrollIntoViewIfNeeded();
	const box = (await button.boundingBox())!;
	const sent = page.waitForRequest((request) => request.method() === 'POST', { timeout: 10_000 });
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
	// The second tap once the first post has gone out (its answer is held 800 ms below), however slow the
	// machine: a second submit before that would replace the first in the browser, not repeat it.
	await sent;
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Fills the form of a new project. */
async function fillProject(page: Page, name: string) {
	await page.getByLabel('Project name').fill(name);
	await page.getByLabel('Demo link').fill('https://double.example.test');
	await page.getByLabel('Hours spent').fill('5');
}

for (const javaScriptEnabled of [true, false]) {
	const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

	test(`a double click on each create and join form makes one row (${how})`, async ({ browser }) => {
		test.setTimeout(120_000);
		const owner = await person(browser, 'Olu', { javaScriptEnabled });
		const attendee = await person(browser, 'Ada', { javaScriptEnabled });
		const teammate = await person(browser, 'Tim', { javaScriptEnabled });
		// Every post reaches the server at once, and its answer comes back 800 ms later, so the second click
		// of a double tap comes while the first post is still being answered. Count what the server got.
		const posts: Record<string, number> = {};
		for (const page of [owner, attendee, teammate]) {
			await page.route('**/*', async (route) => {
				if (route.request().method() !== 'POST') return route.continue();
				const path = new URL(route.request().url()).pathname;
				posts[path] = (posts[path] ?? 0) + 1;
				const response = await route.fetch({ maxRedirects: 0 });
				await new Promise((resolve) => setTimeout(resolve, 800));
				await route.fulfill({ response }).catch(() => {}); // the browser may have dropped the first
			});
		}

		// Create an event.
		const name = `Double Event ${stamp()}`;
		await owner.goto('/events/new');
		await owner.getByLabel('Name').fill(name);
		await doubleTap(owner.getByRole('button', { name: 'Create event' }), { javaScriptEnabled });
		await expect(owner.getByTestId('event-join-code')).toBeVisible();
		const slug = new URL(owner.url()).pathname.split('/')[2];
		const code = (await owner.getByTestId('event-join-code').textContent())!.trim();
		expect(await eventsCalled(owner, name)).toBe(1);

		// Join it with the code (the join page), with a referral answer.
		await attendee.goto('/join');
		await attendee.getByLabel('Join code').fill(code);
		await attendee.getByLabel(/How did you hear/).fill('A poster');
		await doubleTap(attendee.getByRole('button', { name: 'Join', exact: true }), { javaScriptEnabled });
		await expect(attendee).toHaveURL(new RegExp(`/events/${slug}$`));

		// Submit a project.
		await attendee.goto(`/events/${slug}/projects/new`);
		await fillProject(attendee, 'Twice Robot');
		await doubleTap(attendee.getByRole('button', { name: 'Submit project' }), { javaScriptEnabled });
		await expect(attendee.getByRole('heading', { level: 1 })).toHaveText('Twice Robot');
		const projectPath = new URL(attendee.url()).pathname;
		const projectCode = (await attendee.getByTestId('project-join-code').textContent())!.trim();

		// The teammate joins the event on its page, then the team with the project's code.
		await teammate.goto(`/events/${slug}`);
		await teammate.getByLabel('Join code').fill(code);
		await doubleTap(teammate.getByRole('button', { name: 'Join', exact: true }), { javaScriptEnabled });
		await expect(teammate.getByRole('link', { name: 'Submit a project' })).toBeVisible();
		await teammate.goto('/projects/join');
		await teammate.getByLabel('Project join code').fill(projectCode);
		await doubleTap(teammate.getByRole('button', { name: 'Join the team' }), { javaScriptEnabled });
		await expect(teammate).toHaveURL(new RegExp(`${projectPath}$`));

		expect(await eventCounts(owner, slug)).toEqual({ projects: 1, attendees: 2 });
		expect((await teamOf(owner, projectPath)).map((t) => t.trim())).toEqual(['Ada T. (owner)', 'Tim T.']);
		await owner.goto(`/events/${slug}/admin/referrals`);
		await expect(owner.getByText('A poster')).toHaveCount(1);

		// Without JavaScript each double tap reached the server twice (and made one row all the same);
		// with it, the second click found the button disabled.
		for (const path of [
			'/events/new',
			'/join',
			`/events/${slug}/projects/new`,
			`/events/${slug}`,
			'/projects/join'
		]) {
			expect(posts[path], path).toBe(javaScriptEnabled ? 1 : 2);
		}
	});
}

test('two quick posts of one rendered form both lead to the one row they made', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(120_000);
	const origin = new URL(baseURL!).origin;
	const owner = await person(browser, 'Quinn', { javaScriptEnabled: false });
	const attendee = await person(browser, 'Ravi', { javaScriptEnabled: false });
	const teammate = await person(browser, 'Sol', { javaScriptEnabled: false });

	/** Posts the form on `page` twice at once, as it was rendered (token and all), plus `fields`. */
	async function postTwice(page: Page, path: string, fields: Record<string, string>) {
		await page.goto(path);
		const formToken = await page.locator('input[name="formToken"]').first().inputValue();
		expect(formToken).toMatch(/^[\w-]{22}$/);
		const post = () =>
			page.request.post(path, {
				form: { ...fields, formToken },
				headers: { origin, accept: 'text/html' },
				maxRedirects: 0
			});
		const answers = await Promise.all([post(), post()]);
		expect(answers.map((a) => a.status())).toEqual([303, 303]);
		const [first, second] = answers.map((a) => a.headers()['location']);
		expect(second).toBe(first);
		return first;
	}

	const name = `Quick Event ${stamp()}`;
	const eventPath = await postTwice(owner, '/events/new', { name });
	expect(await eventsCalled(owner, name)).toBe(1);
	const slug = eventPath.split('/')[2];
	await owner.goto(eventPath);
	const code = (await owner.getByTestId('event-join-code').textContent())!.trim();

	expect(await postTwice(attendee, '/join', { code, referral: 'Twice told' })).toBe(`/events/${slug}`);
	const projectPath = await postTwice(attendee, `/events/${slug}/projects/new`, {
		name: 'Quick Robot',
		demoUrl: 'https://quick.example.test',
		hoursSpent: '2'
	});
	expect(projectPath).toMatch(/^\/projects\/[0-9a-f-]{36}$/);
	await attendee.goto(projectPath);
	const projectCode = (await attendee.getByTestId('project-join-code').textContent())!.trim();

	// The event page's own join form posts to ?/join.
	await teammate.goto(`/events/${slug}`);
	const formToken = await teammate.locator('input[name="formToken"]').inputValue();
	const joinHere = () =>
		teammate.request.post(`/events/${slug}?/join`, {
			form: { code, formToken },
			headers: { origin, accept: 'text/html' },
			maxRedirects: 0
		});
	const joined = await Promise.all([joinHere(), joinHere()]);
	expect(joined.map((a) => [a.status(), a.headers()['location']])).toEqual([
		[303, `/events/${slug}`],
		[303, `/events/${slug}`]
	]);
	expect(await postTwice(teammate, '/projects/join', { code: projectCode })).toBe(projectPath);

	expect(await eventCounts(owner, slug)).toEqual({ projects: 1, attendees: 2 });
	expect(await teamOf(owner, projectPath)).toHaveLength(2);
	await owner.goto(`/events/${slug}/admin/referrals`);
	await expect(owner.getByText('Twice told')).toHaveCount(1);
});

test('a button says the form is being sent, and is disabled, while the server is slow', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const owner = await person(browser, 'Pat');
	// Hold the form's post 1.5 s before it reaches the server.
	let released = false;
	await owner.route('**/events/new', async (route) => {
		if (route.request().method() !== 'POST') return route.continue();
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		released = true;
		await route.continue();
	});
	const name = `Slow Event ${stamp()}`;
	await owner.goto('/events/new');
	await owner.getByLabel('Name').fill(name);
	const create = owner.getByRole('button', { name: 'Create event' });
	await create.click();
	const busy = owner.locator('form[aria-busy="true"]').getByRole('button');
	await expect(busy).toHaveText('Creating…');
	await expect(busy).toBeDisabled();
	expect(released).toBe(false);
	// Enter in a field while it is being sent does not send it again.
	await owner.getByLabel('Name').press('Enter');
	await expect(owner.getByTestId('event-join-code')).toBeVisible({ timeout: 10_000 });
	expect(await eventsCalled(owner, name)).toBe(1);

	// The same on the project form (a shared component), after a refused first try: the button is back
	// to normal with the errors, then pending again.
	const slug = (await owner.getByRole('link', { name, exact: true }).getAttribute('href'))!.split('/')[2];
	await owner.goto(`/events/${slug}`);
	const code = (await owner.getByTestId('event-join-code').textContent())!.trim();
	const attendee = await person(browser, 'Kim');
	await attendee.goto(`/join/${code}`);
	await attendee.route(
		(url) => url.pathname.endsWith('/projects/new'),
		async (route) => {
			if (route.request().method() === 'POST') await new Promise((resolve) => setTimeout(resolve, 1_500));
			await route.continue();
		}
	);
	await attendee.goto(`/events/${slug}/projects/new`);
	await attendee.getByLabel('Project name').fill('Slow Robot');
	await attendee.getByLabel('Demo link').fill('not a link');
	await attendee.getByLabel('Hours spent').fill('1');
	// The browser's own check would stop a bad URL before it is sent: skip it, the server checks too.
	await attendee
		.locator('form', { has: attendee.getByLabel('Project name') })
		.evaluate((form) => form.setAttribute('novalidate', ''));
	const submit = attendee.getByRole('button', { name: 'Submit project' });
	await submit.click();
	const pendingButton = attendee.getByRole('button', { name: 'Submitting…' });
	await expect(pendingButton).toBeDisabled();
	await expect(attendee.getByText(/must be an http/)).toBeVisible({ timeout: 10_000 });
	await expect(submit).toBeEnabled();
	await attendee.getByLabel('Demo link').fill('https://slow.example.test');
	await submit.click();
	await expect(pendingButton).toBeDisabled();
	await expect(attendee.getByRole('heading', { level: 1 })).toHaveText('Slow Robot', { timeout: 10_000 });
});
