import { describe, expect, it } from 'vitest';
import { getProjectForViewer, listEventGallery } from '../../src/lib/server/projects';
import { getBallot } from '../../src/lib/server/voting';
import { UNSAFE_LINKS } from '../fixtures/unsafe-links';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// Whatever the database holds (rows imported before the backfill checked links, or written in SQL),
// what the pages get to render as href or src is an http(s) link or nothing. The browser test
// tests/e2e/unsafe-links.test.ts shows the pages themselves; this runs on the embedded database too.

async function projectWithLinks(links: { repoUrl: string; demoUrl: string; imageUrl: string }) {
	const event = await make.createEvent({ phase: 'voting' });
	const project = await make.createProject(event.id);
	await db.$executeRawUnsafe(
		`UPDATE projects SET repo_url = $1, demo_url = $2, image_url = $3 WHERE id = $4::uuid`,
		links.repoUrl,
		links.demoUrl,
		links.imageUrl,
		project.id
	);
	const voter = await make.createUser();
	await make.addAttendee(event.id, voter.id);
	return { event, project, voter };
}

// PostgreSQL's text cannot hold NUL, so no row can hold that spelling.
const STORABLE = UNSAFE_LINKS.filter((link) => !link.includes('\u0000'));

const linksOf = (p: { repoUrl: string | null; demoUrl: string | null; imageUrl: string | null }) => ({
	repoUrl: p.repoUrl,
	demoUrl: p.demoUrl,
	imageUrl: p.imageUrl
});

describe('stored project links, as the pages get them', () => {
	it.each(STORABLE)('leaves out %j on the project page, in the gallery and on the ballot', async (bad) => {
		const { event, project, voter } = await projectWithLinks({ repoUrl: bad, demoUrl: bad, imageUrl: bad });
		const none = { repoUrl: null, demoUrl: null, imageUrl: null };

		const page = await getProjectForViewer(project.id, voter.id);
		expect(page.name).toBe(project.name);
		expect(linksOf(page)).toEqual(none);
		const [card] = (await listEventGallery(event.id, voter.id)).projects;
		expect(linksOf(card)).toEqual(none);
		const ballot = await getBallot(voter.id, event.id);
		expect(ballot.projects.map(linksOf)).toEqual([none]);
	});

	it('passes http(s) links through', async () => {
		const good = {
			repoUrl: 'https://github.com/example/robot',
			demoUrl: 'http://robot.example.test/demo',
			imageUrl: 'https://img.example.test/robot.png'
		};
		const { event, project, voter } = await projectWithLinks(good);
		expect(linksOf(await getProjectForViewer(project.id, voter.id))).toEqual(good);
		expect((await listEventGallery(event.id, voter.id)).projects.map(linksOf)).toEqual([good]);
		expect((await getBallot(voter.id, event.id)).projects.map(linksOf)).toEqual([good]);
	});
});
