import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Browser, type BrowserContext } from '@playwright/test';
import { outboxDir, signIn, uniqueEmail } from './auth';
import { post, send, urlencoded, type Answer } from './requests';
import type { RouteInfo } from './routes';

// One event with an owner, an attendee and the attendee's project, plus a second event that is closed:
// real values for every [slug], [id] and [code], and the people to send requests as.

export interface Role {
	name: 'signed-out' | 'attendee' | 'owner';
	ctx: APIRequestContext;
}

export interface WalkFixture {
	origin: string;
	owner: BrowserContext;
	attendee: BrowserContext;
	roles: Role[];
	eventName: string;
	slug: string;
	joinCode: string;
	projectId: string;
	projectCode: string;
	attendeeId: string;
	closedSlug: string;
}

function expectRedirect(answer: Answer, what: string): string {
	expect(answer.status, `${what}: ${answer.body.slice(0, 300)}`).toBe(303);
	return answer.headers.location;
}

async function signedIn(browser: Browser, firstName: string): Promise<BrowserContext> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, uniqueEmail(firstName.toLowerCase()), { profile: { firstName, lastName: 'Walker' } });
	await page.close();
	return context;
}

async function createEvent(owner: BrowserContext, origin: string, name: string): Promise<string> {
	const created = await post(owner.request, origin, '/events/new', urlencoded([['name', name]]));
	return expectRedirect(created, 'create event').split('/')[2];
}

async function movePhase(owner: BrowserContext, origin: string, slug: string, phase: string) {
	const moved = await post(
		owner.request,
		origin,
		`/events/${slug}/admin?/changePhase`,
		urlencoded([['phase', phase]])
	);
	expect(moved.status).toBe(200);
}

/** Signs two people in through the real flow and builds the events, project and codes through HTTP. */
export async function buildWalkFixture(browser: Browser, signedOut: APIRequestContext, origin: string) {
	const owner = await signedIn(browser, 'Olga');
	const attendee = await signedIn(browser, 'Abe');
	const eventName = `Boundary Walk ${Date.now()}`;
	const slug = await createEvent(owner, origin, eventName);

	const event = await send(owner.request, `/events/${slug}`);
	const joinCode = /data-testid="event-join-code"[^>]*>([A-Z0-9]+)</.exec(event.body)![1];
	// A join link fetched by a script (no Sec-Fetch-Site) asks for a click: the click is a POST.
	expectRedirect(await post(attendee.request, origin, `/join/${joinCode}`, urlencoded([])), 'join');

	const project = await post(
		attendee.request,
		origin,
		`/events/${slug}/projects/new`,
		urlencoded([
			['name', 'Walking Robot'],
			['demoUrl', 'https://walker.example.test'],
			['hoursSpent', '4']
		])
	);
	const projectId = expectRedirect(project, 'submit project').split('/')[2];
	const projectPage = await send(attendee.request, `/projects/${projectId}`);
	const projectCode = /data-testid="project-join-code"[^>]*>\s*([A-Z0-9]+)\s*</.exec(projectPage.body)![1];
	const attendees = await send(owner.request, `/events/${slug}/admin/attendees`);
	const attendeeId = /\?remove=([0-9a-f-]{36})/.exec(attendees.body)![1];

	const closedSlug = await createEvent(owner, origin, `Closed Walk ${Date.now()}`);
	await movePhase(owner, origin, closedSlug, 'voting');
	await movePhase(owner, origin, closedSlug, 'closed');

	const roles: Role[] = [
		{ name: 'signed-out', ctx: signedOut },
		{ name: 'attendee', ctx: attendee.request },
		{ name: 'owner', ctx: owner.request }
	];
	return {
		origin,
		owner,
		attendee,
		roles,
		eventName,
		slug,
		joinCode,
		projectId,
		projectCode,
		attendeeId,
		closedSlug
	} satisfies WalkFixture;
}

/** Real values for the route's parameters: [code] is the project's code under /projects/join. */
export function realParams(route: RouteInfo, fx: WalkFixture): Record<string, string> {
	return {
		slug: fx.slug,
		id: fx.projectId,
		code: route.id.startsWith('/projects/join') ? fx.projectCode : fx.joinCode
	};
}

/** A value each form field accepts, so that a request differs from a good one only where a test says. */
export function validValue(route: RouteInfo, field: string, fx: WalkFixture): string {
	const values: Record<string, string> = {
		name: 'Walked Through',
		description: 'Walked through by the boundary test.',
		draft: 'on',
		referral: 'a walker',
		code: realParams(route, fx).code,
		firstName: 'Walker',
		lastName: 'Tester',
		displayName: 'Walker T',
		phone: '+1 555 0100',
		street1: '1 Main Street',
		street2: 'Suite 2',
		city: 'Springfield',
		state: 'IL',
		zipCode: '62701',
		country: 'US',
		dob: '1990-01-02',
		phase: 'submission',
		demoLinksOptional: 'on',
		featureFlags: 'walk',
		confirmName: fx.eventName,
		q: 'walk',
		userId: fx.attendeeId,
		removeProjects: 'on',
		removeVotes: 'on',
		confirm: 'on',
		projectId: fx.projectId,
		project: fx.projectId,
		redirectTo: '/events',
		email: uniqueEmail('walked'),
		token: 'a'.repeat(32),
		repoUrl: 'https://example.test/repo',
		demoUrl: 'https://example.test/demo',
		imageUrl: 'https://example.test/image.png',
		hoursSpent: '3',
		threshold: '40',
		size: '10'
	};
	return values[field] ?? 'walk';
}

/** The URL that runs one named action (or the default one) of a route. */
export function actionUrl(path: string, action: string): string {
	return action === 'default' ? path : `${path}?/${action}`;
}

/**
 * What a person could see change: the owner's and the attendee's pages about the event, project,
 * profile and audit log, and the mail outbox. Two equal snapshots mean nothing was written.
 */
export async function snapshot(fx: WalkFixture): Promise<Record<string, string>> {
	const pages: [BrowserContext, string][] = [
		[fx.owner, '/events'],
		[fx.owner, `/events/${fx.slug}/admin`],
		[fx.owner, `/events/${fx.slug}/admin/attendees`],
		[fx.owner, `/events/${fx.slug}/admin/projects`],
		[fx.owner, `/events/${fx.slug}/admin/votes`],
		[fx.owner, `/events/${fx.slug}/admin/referrals`],
		[fx.owner, `/events/${fx.slug}/admin/activity`],
		[fx.owner, `/events/${fx.slug}/admin/joining`],
		[fx.owner, '/profile'],
		[fx.attendee, '/events'],
		[fx.attendee, '/projects'],
		[fx.attendee, `/projects/${fx.projectId}`],
		[fx.attendee, `/events/${fx.slug}`],
		[fx.attendee, '/profile']
	];
	const seen: Record<string, string> = {};
	for (const [context, path] of pages) {
		const who = context === fx.owner ? 'owner' : 'attendee';
		const answer = await send(context.request, path);
		// The CSP nonce of SvelteKit's start-up script is new on every render, by design.
		// So is the one-time token of a create or join form (src/lib/server/submit-once.ts).
		const body = answer.body
			.replace(/ nonce="[^"]*"/g, ' nonce=""')
			.replace(/(name="formToken" value="|formToken:")[\w-]{22}/g, '$1');
		seen[`${who} ${path}`] = `${answer.status} ${body}`;
	}
	// Only the walk's own addresses: other test files run at the same time and send mail of their own.
	const dir = outboxDir();
	seen.outbox = String(
		readdirSync(dir).filter((name) => /^To:.*walked-/im.test(readFileSync(path.join(dir, name), 'utf8')))
			.length
	);
	return seen;
}
