import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listEventProjects } from '../../src/lib/server/admin/projects';
import { updateProject } from '../../src/lib/server/projects';
import { demoAnswers, itchPlayable } from '../../src/lib/server/validators/demo';
import { forgetGitHubRateLimits, githubPublicRepo } from '../../src/lib/server/validators/github';
import { checksFor } from '../../src/lib/server/validators/registry';
import {
	RECHECK_LIMIT,
	getProjectCheck,
	recheckProject,
	requestProjectCheck
} from '../../src/lib/server/validators/run';
import type { CheckContext } from '../../src/lib/server/validators/types';
import { startFakeDemoSite, startFakeGitHub, startFakeItch, type FakeSite } from '../fakes/link-sites';
import { db } from '../helpers/db';
import { addCollaborator, createEvent, createProject, createUser } from '../helpers/factories';

let github: FakeSite;
let itch: FakeSite;
let demo: FakeSite;

beforeAll(async () => {
	github = await startFakeGitHub({
		repos: {
			'hackclub/podium': { private: false },
			'hackclub/secret': { private: true },
			'hackclub/slow': 'slow',
			'hackclub/garbled': 'malformed',
			'hackclub/busy': 'rate-limited-429'
		}
	});
	itch = await startFakeItch({
		'ada/space-game': 'playable',
		'ada/desktop-only': 'download-only',
		'ada/slow-game': 'slow',
		'ada/popular': 'rate-limited'
	});
	demo = await startFakeDemoSite();
});
afterAll(async () => {
	await Promise.all([github.close(), itch.close(), demo.close()]);
});
beforeEach(() => forgetGitHubRateLimits());

function context(overrides: Partial<CheckContext> = {}): CheckContext {
	return {
		githubApiUrl: github.url,
		githubToken: null,
		itchBaseUrl: `${itch.url}/{user}`,
		timeoutMs: 400,
		allowPrivateAddresses: true,
		now: () => new Date(),
		...overrides
	};
}

describe('the registry', () => {
	it('offers the repository and demo checks the owner chooses from', () => {
		expect(checksFor('repo').map((c) => c.id)).toEqual(['github_public']);
		expect(checksFor('demo').map((c) => c.id)).toEqual(['answers', 'itch_playable']);
	});
});

describe('"must be a public GitHub repository that exists"', () => {
	const check = (link: string, ctx = context()) => githubPublicRepo.run(link, ctx);

	it('is valid for a public repository', async () => {
		expect(await check('https://github.com/hackclub/podium')).toEqual({
			status: 'valid',
			message: 'The repository hackclub/podium is public on GitHub.'
		});
		expect((await check('https://github.com/hackclub/podium.git/')).status).toBe('valid');
	});

	it('is invalid for a repository that does not exist (404) or is private', async () => {
		expect(await check('https://github.com/hackclub/nothing-here')).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/does not exist on GitHub/)
		});
		expect(await check('https://github.com/hackclub/secret')).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/is private/)
		});
	});

	it('is invalid for a link that is not a GitHub repository, without asking GitHub', async () => {
		const before = github.requests.length;
		for (const link of ['https://gitlab.com/a/b', 'https://github.com/hackclub', 'not a url']) {
			expect((await check(link)).status).toBe('invalid');
		}
		expect(github.requests.length).toBe(before);
	});

	it('warns (not invalid) when GitHub is slower than the time limit', async () => {
		const started = Date.now();
		expect(await check('https://github.com/hackclub/slow')).toMatchObject({
			status: 'warning',
			message: expect.stringMatching(/did not answer within 0\.4 seconds/)
		});
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('warns when GitHub’s answer is malformed JSON', async () => {
		expect(await check('https://github.com/hackclub/garbled')).toMatchObject({
			status: 'warning',
			message: expect.stringMatching(/could not be read/)
		});
	});

	it('warns "rate-limited, will check again" on a 429, with the time to retry', async () => {
		const outcome = await check('https://github.com/hackclub/busy');
		expect(outcome).toMatchObject({
			status: 'warning',
			message: expect.stringMatching(/rate-limited.*will check again/)
		});
		expect(outcome.retryAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
	});

	it('sends GITHUB_TOKEN as a bearer token when there is one', async () => {
		await check('https://github.com/hackclub/podium', context({ githubToken: 'ghp_test_token' }));
		expect(github.requests.at(-1)?.authorization).toBe('Bearer ghp_test_token');
		await check('https://github.com/hackclub/podium');
		expect(github.requests.at(-1)?.authorization).toBeUndefined();
	});

	it('honours x-ratelimit-remaining: 0 and a 403: no more requests until x-ratelimit-reset', async () => {
		const limited = await startFakeGitHub({
			repos: { 'a/b': { private: false } },
			budget: 1,
			resetInSeconds: 120
		});
		try {
			const ctx = context({ githubApiUrl: limited.url });
			// The last request of the budget: answered, and its remaining is 0.
			expect((await check('https://github.com/a/b', ctx)).status).toBe('valid');
			const waiting = await check('https://github.com/a/b', ctx);
			expect(waiting).toMatchObject({
				status: 'warning',
				message: expect.stringMatching(/GitHub rate-limited our checks; will check again/)
			});
			expect(limited.requests).toHaveLength(1);

			// Another app process, which had not seen that answer, gets GitHub's 403.
			forgetGitHubRateLimits();
			const refused = await check('https://github.com/a/b', ctx);
			expect(refused).toMatchObject({ status: 'warning', message: expect.stringMatching(/rate-limited/) });
			expect(refused.retryAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);
			expect(limited.requests).toHaveLength(2);
			// Until the reset, checks warn without a request: the budget is honoured, not hammered.
			expect((await check('https://github.com/a/b', ctx)).status).toBe('warning');
			expect(limited.requests).toHaveLength(2);
		} finally {
			await limited.close();
		}
	});
});

describe('"must answer" (demo link)', () => {
	const check = (path: string, ctx = context()) => demoAnswers.run(`${demo.url}${path}`, ctx);

	it('is valid when the demo answers, also after a redirect', async () => {
		expect(await check('/ok')).toEqual({ status: 'valid', message: 'The demo link answers.' });
		expect((await check('/moved')).status).toBe('valid');
	});

	it('is invalid for a 404 or a 500', async () => {
		expect(await check('/missing')).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/HTTP 404/)
		});
		expect(await check('/broken')).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/HTTP 500/)
		});
	});

	it('warns when the demo does not answer in time', async () => {
		expect(await check('/slow')).toMatchObject({
			status: 'warning',
			message: expect.stringMatching(/did not answer within/)
		});
	});

	it('is invalid when nothing listens there', async () => {
		const gone = await startFakeDemoSite();
		await gone.close();
		expect(await demoAnswers.run(`${gone.url}/ok`, context())).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/could not be reached/)
		});
	});

	it('never fetches private or local addresses in production', async () => {
		const before = demo.requests.length;
		expect(await check('/ok', context({ allowPrivateAddresses: false }))).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/private or local address/)
		});
		expect(demo.requests.length).toBe(before);
	});
});

describe('"must be a browser-playable itch.io page" (demo link)', () => {
	const check = (link: string) => itchPlayable.run(link, context());

	it('is valid for a page with a web build', async () => {
		expect(await check('https://ada.itch.io/space-game')).toEqual({
			status: 'valid',
			message: 'The itch.io page can be played in the browser.'
		});
	});

	it('is invalid for a download-only page, a missing page, or a link elsewhere', async () => {
		expect(await check('https://ada.itch.io/desktop-only')).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/no game to play in the browser/)
		});
		expect(await check('https://ada.itch.io/no-such-game')).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/does not exist/)
		});
		expect((await check('https://example.org/space-game')).status).toBe('invalid');
	});

	it('warns when itch.io is slow or rate-limits', async () => {
		expect((await check('https://ada.itch.io/slow-game')).status).toBe('warning');
		expect(await check('https://ada.itch.io/popular')).toMatchObject({
			status: 'warning',
			message: expect.stringMatching(/slow down/)
		});
	});
});

async function eventWithChecks(repoCheck: string, demoCheck: string) {
	const event = await createEvent();
	await db.event.update({ where: { id: event.id }, data: { repoCheck, demoCheck } });
	return event;
}

async function projectWith(eventId: string, links: { repoUrl?: string | null; demoUrl?: string | null }) {
	const project = await createProject(eventId);
	await db.project.update({ where: { id: project.id }, data: links });
	return project;
}

describe('checking a project', () => {
	it('marks it pending at once and stores the outcome when the checks finish', async () => {
		const event = await eventWithChecks('github_public', 'answers');
		const project = await projectWith(event.id, {
			repoUrl: 'https://github.com/hackclub/slow',
			demoUrl: `${demo.url}/ok`
		});
		const { done } = await requestProjectCheck(project.id, { context: context() });
		expect(await getProjectCheck(project.id)).toMatchObject({ status: 'pending', checkedAt: null });
		await done;
		const stored = await getProjectCheck(project.id);
		// The worst of the two decides; both messages are kept.
		expect(stored).toMatchObject({ status: 'warning', checkedAt: expect.any(Date) });
		expect(stored!.message).toMatch(/did not answer within .* The demo link answers\./);
	});

	it('when rate-limited, warns and checks again by itself after the reset', async () => {
		const spent = await startFakeGitHub({
			repos: { 'a/b': { private: false } },
			budget: 1,
			resetInSeconds: 2
		});
		try {
			const event = await eventWithChecks('github_public', 'none');
			const project = await projectWith(event.id, { repoUrl: 'https://github.com/a/b' });
			// Another app process spent the hour's last request.
			await githubPublicRepo.run('https://github.com/a/b', context({ githubApiUrl: spent.url }));
			forgetGitHubRateLimits();
			await (
				await requestProjectCheck(project.id, { context: context({ githubApiUrl: spent.url }) })
			).done;
			expect(await getProjectCheck(project.id)).toMatchObject({
				status: 'warning',
				message: expect.stringMatching(/GitHub rate-limited our checks; will check again after/)
			});
			// Nobody saves or presses anything: the check runs again once GitHub's budget is back.
			await expect
				.poll(async () => (await getProjectCheck(project.id))?.status, { timeout: 6000, interval: 200 })
				.toBe('valid');
			expect(spent.requests).toHaveLength(3);
		} finally {
			await spent.close();
		}
	});

	it('is invalid when the event asks for a repository and there is none', async () => {
		const event = await eventWithChecks('github_public', 'none');
		const project = await projectWith(event.id, { repoUrl: null });
		await (
			await requestProjectCheck(project.id, { context: context() })
		).done;
		expect(await getProjectCheck(project.id)).toMatchObject({
			status: 'invalid',
			message: expect.stringMatching(/asks for a repository link/)
		});
	});

	it('keeps only the newest check’s outcome when two overlap', async () => {
		const event = await eventWithChecks('github_public', 'none');
		const project = await projectWith(event.id, { repoUrl: 'https://github.com/hackclub/slow' });
		const first = await requestProjectCheck(project.id, { context: context() });
		await db.project.update({
			where: { id: project.id },
			data: { repoUrl: 'https://github.com/hackclub/podium' }
		});
		const second = await requestProjectCheck(project.id, { context: context() });
		await Promise.all([first.done, second.done]);
		expect(await getProjectCheck(project.id)).toMatchObject({ status: 'valid' });
	});

	it('leaves no status when the event has no checks', async () => {
		const event = await eventWithChecks('none', 'none');
		const project = await projectWith(event.id, { repoUrl: 'https://github.com/hackclub/secret' });
		await (
			await requestProjectCheck(project.id, { context: context() })
		).done;
		expect(await getProjectCheck(project.id)).toBeNull();
	});

	it('runs when the team saves the project, without waiting for the outcome', async () => {
		const event = await eventWithChecks('github_public', 'none');
		const project = await projectWith(event.id, {});
		const owner = await db.project.findUniqueOrThrow({
			where: { id: project.id },
			select: { ownerId: true }
		});
		// The app's own settings point at api.github.com, unreachable here: the save must not care.
		const started = Date.now();
		await updateProject(owner.ownerId, project.id, {
			name: 'Saved',
			description: 'x',
			repoUrl: 'https://github.com/hackclub/podium',
			demoUrl: 'https://example.test/demo',
			imageUrl: undefined,
			hoursSpent: 3
		} as Parameters<typeof updateProject>[2]);
		expect(Date.now() - started).toBeLessThan(2000);
		expect((await getProjectCheck(project.id))?.status).toBe('pending');
		// Its outcome arrives later (whatever api.github.com says from here); wait so nothing writes after the test.
		for (let i = 0; i < 80 && (await getProjectCheck(project.id))?.status === 'pending'; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	});

	it('lets the owner filter the project table by status', async () => {
		const event = await eventWithChecks('github_public', 'none');
		const good = await projectWith(event.id, { repoUrl: 'https://github.com/hackclub/podium' });
		const bad = await projectWith(event.id, { repoUrl: 'https://github.com/hackclub/secret' });
		for (const p of [good, bad]) await (await requestProjectCheck(p.id, { context: context() })).done;
		const request = { page: 1, q: undefined };
		const invalid = await listEventProjects(event.id, { ...request, check: 'invalid' });
		expect(invalid.projects.map((p) => p.id)).toEqual([bad.id]);
		expect(invalid.projects[0].check).toMatchObject({ status: 'invalid' });
		const valid = await listEventProjects(event.id, { ...request, check: 'valid' });
		expect(valid.projects.map((p) => p.id)).toEqual([good.id]);
		expect((await listEventProjects(event.id, request)).projects).toHaveLength(2);
	});
});

describe('"Check again"', () => {
	it('is limited per person per minute', async () => {
		const event = await eventWithChecks('github_public', 'none');
		const project = await projectWith(event.id, { repoUrl: 'https://github.com/hackclub/podium' });
		const owner = { id: project.ownerId, isPlatformAdmin: false };
		for (let i = 0; i < RECHECK_LIMIT.limit; i++) {
			await (
				await recheckProject(owner, project.id, { context: context() })
			).done;
		}
		await expect(recheckProject(owner, project.id, { context: context() })).rejects.toMatchObject({
			status: 429,
			message: expect.stringMatching(/checks a minute/)
		});
		// Another person (a teammate) has a budget of their own.
		const mate = await createUser();
		await addCollaborator(project.id, mate.id);
		const mates = await recheckProject({ id: mate.id, isPlatformAdmin: false }, project.id, {
			context: context()
		});
		await mates.done;
		expect((await getProjectCheck(project.id))?.status).toBe('valid');
	});

	it('is for the team and the event’s owner only', async () => {
		const event = await eventWithChecks('github_public', 'none');
		const project = await projectWith(event.id, { repoUrl: 'https://github.com/hackclub/podium' });
		const stranger = await createUser();
		await expect(
			recheckProject({ id: stranger.id, isPlatformAdmin: false }, project.id)
		).rejects.toMatchObject({ status: 403 });
		const owners = await recheckProject({ id: event.ownerId, isPlatformAdmin: false }, project.id, {
			context: context()
		});
		await owners.done;
		expect((await getProjectCheck(project.id))?.status).toBe('valid');
	});
});
