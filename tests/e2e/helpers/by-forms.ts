import { expect, type Browser, type BrowserContext } from '@playwright/test';
import { signInByForms } from './page-walk';
import { post, send, urlencoded } from './requests';

export { signInByForms };

// Setting up an event quickly, by the same form posts the pages send (no page is opened): for tests that
// need many people and projects.

export async function join(context: BrowserContext, origin: string, joinCode: string) {
	const joined = await post(context.request, origin, `/join/${joinCode}`, urlencoded([]));
	expect(joined.status).toBe(303);
}

/** An event in voting with `projects` projects (one person each) and a voter who has no project. */
export async function buildVotingEvent(browser: Browser, origin: string, projects: number, name = 'Light') {
	const owner = await browser.newContext();
	await signInByForms(owner, origin, 'Owen');
	const created = await post(
		owner.request,
		origin,
		'/events/new',
		urlencoded([['name', `${name} ${Date.now()}`]])
	);
	expect(created.status).toBe(303);
	const slug = created.headers.location.split('/')[2];
	const eventPage = await send(owner.request, `/events/${slug}`);
	const joinCode = /data-testid="event-join-code"[^>]*>([A-Z0-9]+)</.exec(eventPage.body)![1];

	for (let i = 1; i <= projects; i++) {
		const maker = await browser.newContext();
		await signInByForms(maker, origin, `Maker${i}`);
		await join(maker, origin, joinCode);
		const submitted = await post(
			maker.request,
			origin,
			`/events/${slug}/projects/new`,
			urlencoded([
				['name', `Project number ${i}`],
				['description', `A project built in a weekend, number ${i}, with a description of usual length.`],
				['demoUrl', `https://project-${i}.example.test`],
				['repoUrl', `https://example.test/maker-${i}/project`],
				['hoursSpent', '12']
			])
		);
		expect(submitted.status, submitted.body.slice(0, 300)).toBe(303);
		await maker.close();
	}

	const voter = await browser.newContext();
	await signInByForms(voter, origin, 'Vera');
	await join(voter, origin, joinCode);
	const moved = await post(
		owner.request,
		origin,
		`/events/${slug}/admin?/changePhase`,
		urlencoded([['phase', 'voting']])
	);
	expect(moved.status).toBe(200);
	return { owner, voter, slug, joinCode };
}

export type VotingEvent = Awaited<ReturnType<typeof buildVotingEvent>>;
