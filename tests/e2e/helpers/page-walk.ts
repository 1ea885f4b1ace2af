import { expect, type Browser, type BrowserContext } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './auth';
import { makePlatformAdmin, onServer } from './platform';
import { post, send, urlencoded } from './requests';

// Every page of the app, as the phone walk (tests/e2e/phone-walk.test.ts) visits it: who opens it and
// with which real values. A page added under src/routes fails that test until it is listed in PAGES.

export type WalkRole = 'visitor' | 'attendee' | 'owner' | 'admin';

export interface Walk {
	origin: string;
	contexts: Partial<Record<WalkRole, BrowserContext>>;
	/** An event in submission: the attendee has a project in it. */
	slug: string;
	joinCode: string;
	projectId: string;
	projectCode: string;
	/** An event in voting with three projects (the owner's, the attendee's and Bea's). */
	votingSlug: string;
	/** A closed event with votes: results, leaderboard, receipts. */
	closedSlug: string;
	closedProjectId: string;
	/** The attendee's user id (for the admin's person page). */
	attendeeId: string;
	/** The id of one of the owner's events (for the admin's event pages); empty without an admin. */
	eventId: string;
	/** A series with that event in it (for the admin's series page); empty without an admin. */
	seriesId: string;
}

export interface WalkPage {
	/** The route id under src/routes, e.g. `/events/[slug]/admin`. */
	route: string;
	/** The address to open, with real values. */
	path: (walk: Walk) => string;
	/** Who opens it: a page that looks different per role is opened by each of them. */
	roles: WalkRole[];
	/** The expected status when it is not 200 (an error page is a page too). */
	status?: number;
}

/**
 * The pages to walk. To add one: its route id, a path with real values from `Walk`, and the roles that
 * see it; add a field to `Walk` (and to buildWalk) if it needs data of its own.
 */
export const PAGES: WalkPage[] = [
	{ route: '/', path: () => '/', roles: ['visitor', 'attendee', 'owner', 'admin'] },
	{ route: '/sign-in', path: () => '/sign-in', roles: ['visitor'] },
	{ route: '/sign-in/verify', path: () => '/sign-in/verify?token=walk', roles: ['visitor'] },
	{ route: '/sign-in/code', path: () => '/sign-in/code', roles: ['visitor'] },
	// The walk's app has no OIDC provider configured: the page is not found, the callback says why.
	{ route: '/sign-in/oidc', path: () => '/sign-in/oidc', roles: ['visitor'], status: 404 },
	{
		route: '/sign-in/oidc/callback',
		path: () => '/sign-in/oidc/callback?state=walk&code=walk',
		roles: ['visitor']
	},
	{ route: '/sign-out', path: () => '/sign-out', roles: ['attendee'] },
	{ route: '/profile', path: () => '/profile', roles: ['attendee'] },
	{ route: '/theme', path: () => '/theme', roles: ['visitor'] },
	{ route: '/language', path: () => '/language', roles: ['visitor', 'attendee'] },
	{ route: '/events', path: () => '/events', roles: ['attendee', 'owner'] },
	{ route: '/events/new', path: () => '/events/new', roles: ['owner'] },
	{ route: '/join', path: () => '/join', roles: ['attendee'] },
	{ route: '/join/[code]', path: (w) => `/join/${w.joinCode}`, roles: ['owner'] },
	{ route: '/events/[slug]', path: (w) => `/events/${w.slug}`, roles: ['attendee', 'owner'] },
	{ route: '/events/[slug]', path: (w) => `/events/${w.closedSlug}`, roles: ['visitor'] },
	{ route: '/events/[slug]/projects/new', path: (w) => `/events/${w.slug}/projects/new`, roles: ['owner'] },
	{ route: '/events/[slug]/vote', path: (w) => `/events/${w.votingSlug}/vote`, roles: ['attendee'] },
	{
		route: '/events/[slug]/leaderboard',
		path: (w) => `/events/${w.closedSlug}/leaderboard`,
		roles: ['visitor']
	},
	{ route: '/events/[slug]/receipts', path: (w) => `/events/${w.closedSlug}/receipts`, roles: ['visitor'] },
	{ route: '/events/[slug]/projector', path: (w) => `/events/${w.closedSlug}/projector`, roles: ['owner'] },
	{ route: '/projects', path: () => '/projects', roles: ['attendee'] },
	{ route: '/projects/[id]', path: (w) => `/projects/${w.projectId}`, roles: ['attendee'] },
	{ route: '/projects/[id]', path: (w) => `/projects/${w.closedProjectId}`, roles: ['attendee'] },
	{ route: '/projects/[id]/edit', path: (w) => `/projects/${w.projectId}/edit`, roles: ['attendee'] },
	{ route: '/projects/join', path: () => '/projects/join', roles: ['owner'] },
	{ route: '/projects/join/[code]', path: (w) => `/projects/join/${w.projectCode}`, roles: ['owner'] },
	{ route: '/events/[slug]/admin', path: (w) => `/events/${w.slug}/admin`, roles: ['owner'] },
	...['activity', 'attendees', 'joining', 'projects', 'referrals', 'review', 'turnout', 'votes'].map(
		(tab): WalkPage => ({
			route: `/events/[slug]/admin/${tab}`,
			path: (w) => `/events/${w.closedSlug}/admin/${tab}`,
			roles: ['owner']
		})
	),
	{
		route: '/events/[slug]/admin/joining/print',
		path: (w) => `/events/${w.slug}/admin/joining/print`,
		roles: ['owner']
	},
	{
		route: '/events/[slug]/admin/results',
		path: (w) => `/events/${w.closedSlug}/admin/results`,
		roles: ['owner']
	},
	{ route: '/admin', path: () => '/admin', roles: ['admin'] },
	{ route: '/admin/search', path: () => '/admin/search?q=walk', roles: ['admin'] },
	{ route: '/admin/people', path: () => '/admin/people', roles: ['admin'] },
	{ route: '/admin/people/[id]', path: (w) => `/admin/people/${w.attendeeId}`, roles: ['admin'] },
	{ route: '/admin/events', path: () => '/admin/events', roles: ['admin'] },
	{ route: '/admin/events/[id]', path: (w) => `/admin/events/${w.eventId}`, roles: ['admin'] },
	{ route: '/admin/events/[id]/purge', path: (w) => `/admin/events/${w.eventId}/purge`, roles: ['admin'] },
	{ route: '/admin/activity', path: () => '/admin/activity', roles: ['admin'] },
	{ route: '/admin/exports', path: () => '/admin/exports', roles: ['admin'] },
	{ route: '/admin/fixes', path: () => '/admin/fixes', roles: ['admin'] },
	{ route: '/admin/series', path: () => '/admin/series', roles: ['admin'] },
	{ route: '/admin/series/[id]', path: (w) => `/admin/series/${w.seriesId}`, roles: ['admin'] },
	{ route: '/admin/maintenance', path: () => '/admin/maintenance', roles: ['admin'] },
	{ route: '/directory', path: () => '/directory', roles: ['visitor', 'attendee'] },
	// The error page, as anyone may meet it.
	{ route: '+error', path: () => '/no-such-page', roles: ['visitor'], status: 404 },
	// Last for the visitor: they sign up, and the first sign-in asks for their profile.
	{ route: '/welcome', path: () => '/welcome', roles: ['visitor'] }
];

/** Signs a new person in through the real flow by plain form posts; `profile` false stops before /welcome. */
export async function signInByForms(
	context: BrowserContext,
	origin: string,
	firstName: string,
	profile = true
): Promise<string> {
	const email = uniqueEmail(firstName.toLowerCase());
	await signInByPosts(context, email, {
		origin,
		welcome: profile,
		profile: { firstName, lastName: 'Walker' }
	});
	return email;
}

function redirected(answer: { status: number; headers: Record<string, string>; body: string }, what: string) {
	expect(answer.status, `${what}: ${answer.body.slice(0, 300)}`).toBe(303);
	return answer.headers.location;
}

/** A phone: 360 x 740 CSS pixels, touch, as the narrowest common Android screens. */
export const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };

/**
 * The people (one browser context each, at phone size) and the data every page needs, built through
 * HTTP as people do it: an event in submission, one in voting and one closed with a ballot in it.
 */
export async function buildWalk(browser: Browser, origin: string): Promise<Walk> {
	const contexts: Walk['contexts'] = {};
	const person = async (role: WalkRole, name: string) => {
		const context = await browser.newContext(PHONE);
		contexts[role] = context;
		return { context, email: await signInByForms(context, origin, name) };
	};
	contexts.visitor = await browser.newContext(PHONE);
	const { context: owner, email: ownerEmail } = await person('owner', 'Olga');
	const attendee = (await person('attendee', 'Abe')).context;
	const bea = await browser.newContext();
	await signInByForms(bea, origin, 'Bea');
	if (onServer) makePlatformAdmin((await person('admin', 'Ada')).email);

	const act = (who: BrowserContext, url: string, fields: [string, string][] = []) =>
		post(who.request, origin, url, urlencoded(fields));
	const createEvent = async (name: string) =>
		redirected(await act(owner, '/events/new', [['name', `${name} ${Date.now()}`]]), 'create event').split(
			'/'
		)[2];
	const codeOf = async (slug: string) => {
		const page = await send(owner.request, `/events/${slug}`);
		return /data-testid="event-join-code"[^>]*>([A-Z0-9]+)</.exec(page.body)![1];
	};
	const submit = async (who: BrowserContext, slug: string, name: string) => {
		const code = await codeOf(slug);
		redirected(await act(who, `/join/${code}`), 'join');
		const fields: [string, string][] = [
			['name', name],
			['description', `${name}: a project made for the phone walk, with a description long enough to wrap.`],
			['demoUrl', `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.test`],
			['repoUrl', 'https://example.test/a/very/long/repository/path/that/must/wrap/on/a/phone'],
			['hoursSpent', '4']
		];
		return redirected(await act(who, `/events/${slug}/projects/new`, fields), 'submit').split('/')[2];
	};
	const movePhase = async (slug: string, phase: string) =>
		expect((await act(owner, `/events/${slug}/admin?/changePhase`, [['phase', phase]])).status).toBe(200);

	const slug = await createEvent('Phone Walk Submissions');
	const joinCode = await codeOf(slug);
	const projectId = await submit(attendee, slug, 'Walking Robot');
	const projectPage = await send(attendee.request, `/projects/${projectId}`);
	const projectCode = /data-testid="project-join-code"[^>]*>\s*([A-Z0-9]+)\s*</.exec(projectPage.body)![1];

	const votingEvent = async (name: string) => {
		const eventSlug = await createEvent(name);
		const mine = await submit(attendee, eventSlug, `${name} Robot`);
		const owners = await submit(owner, eventSlug, `${name} Lamp`);
		const beas = await submit(bea, eventSlug, `${name} Kite`);
		await movePhase(eventSlug, 'voting');
		return { eventSlug, mine, owners, beas };
	};
	const voting = await votingEvent('Phone Walk Voting');
	const closed = await votingEvent('Phone Walk Closed');
	const ballot = await act(attendee, `/events/${closed.eventSlug}/vote`, [['project', closed.owners]]);
	expect(ballot.status, ballot.body.slice(0, 300)).toBeLessThan(400);
	const bVote = await act(bea, `/events/${closed.eventSlug}/vote`, [['project', closed.owners]]);
	expect(bVote.status).toBeLessThan(400);
	await movePhase(closed.eventSlug, 'closed');
	await bea.close();

	const attendees = await send(owner.request, `/events/${slug}/admin/attendees`);
	const attendeeId = /\?remove=([0-9a-f-]{36})/.exec(attendees.body)![1];
	let eventId = '';
	let seriesId = '';
	if (contexts.admin) {
		const list = await send(contexts.admin.request, `/admin/events?owner=${encodeURIComponent(ownerEmail)}`);
		eventId = /\/admin\/events\/([0-9a-f-]{36})/.exec(list.body)?.[1] ?? '';
		expect(eventId, 'the admin finds the event').not.toBe('');
		const series = await act(contexts.admin, '/admin/series?/create', [
			['name', `Phone Walk Series ${Date.now()}`],
			['active', 'on']
		]);
		seriesId = redirected(series, 'create series').split('/')[3];
		const added = await act(contexts.admin, `/admin/series/${seriesId}?/addEvent`, [['slug', slug]]);
		expect(added.status, added.body.slice(0, 300)).toBeLessThan(400);
	}
	return {
		origin,
		contexts,
		slug,
		joinCode,
		projectId,
		projectCode,
		votingSlug: voting.eventSlug,
		closedSlug: closed.eventSlug,
		closedProjectId: closed.mine,
		attendeeId,
		eventId,
		seriesId
	};
}
