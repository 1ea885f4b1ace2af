import {
	expect,
	test,
	type Browser,
	type BrowserContextOptions,
	type Page,
	type Route
} from '@playwright/test';
import { startProxy } from './helpers/proxy';
import { createEvent, joinEvent, movePhase, person, submitProject } from './helpers/voting';

// The ballot on the venue's Wi-Fi: sent while the connection is down, it stays on screen marked unsent,
// is kept in the browser across reloads, and goes by itself when the connection is back, once, however
// many tries it takes. A refusal by the rules is shown and not tried again.

/** An event in `voting` with two projects by others; returns the owner's page, slug and join link. */
async function votingEvent(browser: Browser) {
	const owner = await person(browser, 'Olive');
	const event = await createEvent(owner, 'Wi-Fi Fest');
	await submitProject(await person(browser, 'Rita'), event.joinLink, 'Robot Arm');
	await submitProject(await person(browser, 'Sol'), event.joinLink, 'Solar Kite');
	await movePhase(owner, event.slug, 'voting');
	return { owner, ...event };
}

/** A new attendee of the event, on its ballot. */
async function voterOn(
	browser: Browser,
	event: { slug: string; joinLink: string },
	name: string,
	options: BrowserContextOptions = {}
) {
	const voter = await person(browser, name, options);
	await joinEvent(voter, event.joinLink);
	await voter.goto(`/events/${event.slug}/vote`);
	await expect(voter.getByTestId('ballot-status')).toBeAttached(); // the page's script runs
	return voter;
}

const ballotPosts = (slug: string) => `**/events/${slug}/vote`;
const status = (page: Page) => page.getByTestId('ballot-status');
const stampOf = (body: string) => {
	const form = new URLSearchParams(body);
	return { device: form.get('device'), seq: form.get('seq'), key: form.get('key') };
};

/** How many of the owner's recorded votes are by `email` (the admin's votes page). */
async function votesBy(owner: Page, slug: string, email: string) {
	await owner.goto(`/events/${slug}/admin/votes`);
	return owner.getByTestId('votes').getByRole('row', { name: email }).count();
}

test.describe('a ballot sent on a bad connection', () => {
	let event: Awaited<ReturnType<typeof votingEvent>>;
	test.beforeAll(async ({ browser }) => {
		test.setTimeout(120_000);
		event = await votingEvent(browser);
	});

	test('offline: the picks stay, marked unsent; back online it sends by itself', async ({ browser }) => {
		test.setTimeout(60_000);
		const voter = await voterOn(browser, event, 'Olga');
		await voter.getByLabel('Robot Arm').check();
		await voter.context().setOffline(true);
		await voter.getByRole('button', { name: 'Send my ballot' }).click();

		await expect(status(voter)).toHaveText(/Offline — will send when you're back online\./);
		await expect(voter.getByRole('heading', { level: 1 })).toHaveText('Your ballot'); // no error page
		await expect(voter.getByLabel('Robot Arm')).toBeChecked();
		await voter.waitForTimeout(2_000); // a few failed tries later, still the same
		await expect(status(voter)).toHaveText(/Offline/);
		await expect(voter.getByLabel('Robot Arm')).toBeChecked();

		await voter.context().setOffline(false);
		await expect(status(voter)).toHaveText(/^Saved at \d{1,2}:\d{2}/);
		await expect(voter.getByTestId('ballot-saved')).toContainText('Your ballot is saved: 1 project.');
		expect(await votesBy(event.owner, event.slug, voter.email)).toBe(1);

		await voter.reload();
		await expect(voter.getByLabel('Robot Arm')).toBeChecked();
		await expect(voter.getByLabel('Solar Kite')).not.toBeChecked();
		await expect(status(voter)).toHaveText(/^Saved at \d{1,2}:\d{2}/);
	});

	test('a lost answer and a 503 are retried with the same stamp, and the ballot counts once', async ({
		browser
	}) => {
		test.setTimeout(60_000);
		const voter = await voterOn(browser, event, 'Rhea');
		const posts: { body: string; at: number }[] = [];
		const answers: string[] = [];
		await voter.route(ballotPosts(event.slug), async (route: Route) => {
			if (route.request().method() !== 'POST') return route.continue();
			posts.push({ body: route.request().postData() ?? '', at: Date.now() });
			if (posts.length === 1) {
				// The server gets it and records it; the answer never reaches the phone.
				await route.fetch();
				return route.abort('connectionreset');
			}
			if (posts.length === 2) {
				return route.fulfill({
					status: 503,
					headers: { 'retry-after': '1', 'content-type': 'application/json' },
					body: JSON.stringify({ type: 'error', error: { message: 'Try again in a moment.', retry: true } })
				});
			}
			const response = await route.fetch();
			answers.push(await response.text());
			return route.fulfill({ response });
		});

		await voter.getByLabel('Solar Kite').check();
		await voter.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(status(voter)).toHaveText(/^Saved at \d{1,2}:\d{2}/, { timeout: 15_000 });
		await expect(voter.getByTestId('ballot-saved')).toContainText('Your ballot is saved: 1 project.');
		await expect(voter.getByLabel('Solar Kite')).toBeChecked();

		expect(posts).toHaveLength(3);
		const stamps = posts.map((post) => stampOf(post.body));
		expect(stamps[0].key).toMatch(/^[0-9a-f-]{36}$/);
		expect(stamps[1]).toEqual(stamps[0]);
		expect(stamps[2]).toEqual(stamps[0]);
		expect(posts[2].at - posts[1].at).toBeGreaterThanOrEqual(1_000); // Retry-After: 1
		expect(answers[0]).toContain('repeat'); // the server knew it had it already
		await voter.waitForTimeout(1_500);
		expect(posts).toHaveLength(3); // and nothing more is sent
		expect(await votesBy(event.owner, event.slug, voter.email)).toBe(1);
	});

	test('kept across a reload and a closed tab until it is sent', async ({ browser }) => {
		test.setTimeout(90_000);
		// The connection is up, but the ballot does not get through: the venue's proxy answers 502. (A
		// Playwright route let a ballot through now and then, sent by a page just reloaded.)
		const ballotPost = new RegExp(`/events/${event.slug}/vote$`);
		const proxy = await startProxy((request) => request.method === 'POST' && ballotPost.test(request.url!));
		try {
			const voter = await voterOn(browser, event, 'Kai', { proxy: { server: proxy.url } });
			const context = voter.context();
			proxy.blocking = true;
			await voter.getByLabel('Robot Arm').check();
			await voter.getByRole('button', { name: 'Send my ballot' }).click();
			await expect(status(voter)).toHaveText(/Not sent yet — retrying in \d+ s/);

			await voter.reload();
			await expect(voter.getByLabel('Robot Arm')).toBeChecked();
			await expect(status(voter)).toHaveText(/Not sent yet — retrying|Sending your ballot/);
			await context.setOffline(true);
			await expect(status(voter)).toHaveText(/Offline — will send when you're back online\./);

			await voter.close();
			const again = await context.newPage();
			await context.setOffline(false);
			await again.goto(`/events/${event.slug}/vote`);
			await expect(again.getByLabel('Robot Arm')).toBeChecked();
			await expect(status(again)).toHaveText(/Not sent yet — retrying|Sending your ballot/);
			expect(proxy.blockedCount).toBeGreaterThan(0); // the ballot reached the proxy, which turned it away
			expect(await votesBy(event.owner, event.slug, voter.email)).toBe(0);

			proxy.blocking = false;
			// By its own next try, which after several failed ones may be up to 16 s away.
			await expect(status(again)).toHaveText(/^Saved at \d{1,2}:\d{2}/, { timeout: 40_000 });
			expect(await votesBy(event.owner, event.slug, voter.email)).toBe(1);
			await again.reload();
			await expect(again.getByLabel('Robot Arm')).toBeChecked();
			await expect(status(again)).toHaveText(/^Saved at/);
		} finally {
			proxy.close();
		}
	});
});

test('a refusal by the rules (voting closed meanwhile) is shown and not tried again', async ({ browser }) => {
	test.setTimeout(120_000);
	const event = await votingEvent(browser);
	const voter = await voterOn(browser, event, 'Cleo');
	let answered = 0;
	voter.on('response', (response) => {
		if (response.request().method() === 'POST' && response.url().includes('/vote')) answered++;
	});
	await voter.getByLabel('Robot Arm').check();
	await voter.context().setOffline(true);
	await voter.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(status(voter)).toHaveText(/Offline/);

	await movePhase(event.owner, event.slug, 'closed');
	await voter.context().setOffline(false);
	await expect(voter.getByRole('alert')).toHaveText(
		'Voting has closed for this event: ballots can no longer change.'
	);
	await expect(status(voter)).toHaveText('Not saved: see the message above.');
	await expect(voter.getByLabel('Robot Arm')).toBeChecked();
	expect(answered).toBe(1);
	await voter.waitForTimeout(3_000);
	expect(answered).toBe(1);
	const kept = await voter.evaluate(() =>
		Object.keys(localStorage).filter((key) => key.startsWith('podium:unsent-ballot'))
	);
	expect(kept).toEqual([]);
});
