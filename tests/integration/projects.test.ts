import { describe, expect, it } from 'vitest';
import { projectSchema, projectSchemaFor, type ProjectInput } from '../../src/lib/schemas/project';
import {
	createProject,
	deleteProject,
	getProjectForViewer,
	joinProjectByCode,
	leaveProject,
	listEventGallery,
	pageNumber,
	listMyProjects,
	removeCollaborator,
	updateProject
} from '../../src/lib/server/projects';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

const details: ProjectInput = {
	name: 'Trash Robot',
	description: 'Sorts recycling.',
	repoUrl: 'https://github.com/example/trash-robot',
	demoUrl: 'https://trash-robot.example.test',
	imageUrl: undefined,
	hoursSpent: 20
};

async function refused(work: Promise<unknown>, message: RegExp) {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	expect((error as Error).message).toMatch(message);
}

/** An event in `phase` with one attendee who owns a project and one teammate attendee. */
async function scene(phase: 'submission' | 'voting' = 'submission') {
	const event = await make.createEvent();
	const owner = await make.createUser();
	const teammate = await make.createUser();
	await make.addAttendee(event.id, owner.id);
	await make.addAttendee(event.id, teammate.id);
	const project = await createProject(owner.id, event.id, details);
	if (phase !== 'submission') await db.event.update({ where: { id: event.id }, data: { phase } });
	return { event, owner, teammate, project };
}

describe('the project form', () => {
	const parse = (fields: Record<string, string>) =>
		projectSchema.safeParse({ name: 'X', hoursSpent: '3', ...fields });

	it('accepts only http(s) links', () => {
		expect(parse({ demoUrl: 'https://ok.example' }).success).toBe(true);
		for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://x.example', 'not a link']) {
			const result = parse({ repoUrl: bad });
			expect(result.success).toBe(false);
			expect(result.error?.issues[0].message).toBe(
				'The repository link must be an http:// or https:// link.'
			);
		}
	});

	it('refuses negative or non-numeric hours and a missing name', () => {
		expect(parse({ hoursSpent: '-1' }).error?.issues[0].message).toBe('Hours spent cannot be negative.');
		expect(parse({ hoursSpent: 'lots' }).error?.issues[0].message).toBe('Hours spent must be a number.');
		expect(parse({ name: '   ' }).error?.issues[0].message).toBe('Give the project a name.');
		expect(parse({ hoursSpent: '2.5' }).data?.hoursSpent).toBe(2.5);
	});
});

describe('creating a project', () => {
	it('gives an attendee a project with a join code, in submission', async () => {
		const { project, owner, event } = await scene();
		const row = await db.project.findUniqueOrThrow({ where: { id: project.id } });
		expect(row).toMatchObject({ name: 'Trash Robot', ownerId: owner.id, eventId: event.id, hoursSpent: 20 });
		expect(row.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
	});

	it('refuses someone who does not attend the event', async () => {
		const event = await make.createEvent();
		const outsider = await make.createUser();
		await refused(createProject(outsider.id, event.id, details), /Join the event/);
		expect(await db.project.count({ where: { eventId: event.id } })).toBe(0);
	});

	it('refuses outside the submission phase', async () => {
		for (const phase of ['draft', 'voting', 'closed'] as const) {
			const event = await make.createEvent({ phase });
			const user = await make.createUser();
			await make.addAttendee(event.id, user.id);
			await refused(createProject(user.id, event.id, details), /Submissions are not open/);
			expect(await db.project.count({ where: { eventId: event.id } })).toBe(0);
		}
	});

	it('requires a demo link unless the event makes it optional', async () => {
		const strict = await make.createEvent();
		const relaxed = await make.createEvent({ demoLinksOptional: true });
		const user = await make.createUser();
		await make.addAttendee(strict.id, user.id);
		await make.addAttendee(relaxed.id, user.id);
		const noDemo = { ...details, demoUrl: undefined };
		await refused(createProject(user.id, strict.id, noDemo), /demo link/);
		await createProject(user.id, relaxed.id, noDemo);
		expect(await db.project.count({ where: { eventId: strict.id } })).toBe(0);
		expect(await db.project.count({ where: { eventId: relaxed.id } })).toBe(1);
	});

	it('gives one person one project per event, even when they submit 20 at once', async () => {
		const event = await make.createEvent();
		const user = await make.createUser();
		await make.addAttendee(event.id, user.id);
		const settled = await Promise.allSettled(
			Array.from({ length: 20 }, () => createProject(user.id, event.id, details))
		);
		expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
		for (const s of settled.filter((s) => s.status === 'rejected')) {
			expect((s as PromiseRejectedResult).reason).toMatchObject({
				status: 409,
				message: expect.stringMatching(/You already have a project in this event \(Trash Robot\)/)
			});
		}
		expect(await db.project.count({ where: { eventId: event.id } })).toBe(1);
		// The vote limit therefore stays what the real number of teams gives.
		const other = await make.createEvent();
		await make.addAttendee(other.id, user.id);
		await createProject(user.id, other.id, details);
	});

	it('holds the one-project rule in the database, except for imported projects', async () => {
		const { event, owner } = await scene();
		const row = { name: 'Again', description: '', hoursSpent: 1, ownerId: owner.id, eventId: event.id };
		await expect(db.project.create({ data: { ...row, joinCode: 'AGAIN1' } })).rejects.toThrow();
		await db.project.create({ data: { ...row, joinCode: 'AGAIN2', airtableId: 'recOLD1' } });
		expect(await db.project.count({ where: { eventId: event.id, ownerId: owner.id } })).toBe(2);
	});
});

describe('teams', () => {
	it('a teammate who attends joins with the code, in any case, once', async () => {
		const { project, teammate } = await scene();
		const joined = await joinProjectByCode(make.guesser(teammate.id), project.joinCode.toLowerCase());
		expect(joined).toEqual({ projectId: project.id, alreadyInTeam: false });
		expect((await joinProjectByCode(make.guesser(teammate.id), project.joinCode)).alreadyInTeam).toBe(true);
		expect(await db.projectCollaborator.count({ where: { projectId: project.id } })).toBe(1);
	});

	it('refuses someone who does not attend the event', async () => {
		const { project } = await scene();
		const outsider = await make.createUser();
		await refused(
			joinProjectByCode(make.guesser(outsider.id), project.joinCode),
			/Join the project's event first/
		);
	});

	it("refuses another event's code typed as a project code", async () => {
		const { event, teammate } = await scene();
		await refused(
			joinProjectByCode(make.guesser(teammate.id), event.joinCode),
			/No project has that join code/
		);
	});

	it('freezes once voting opens', async () => {
		const { project, teammate, owner } = await scene('voting');
		await refused(joinProjectByCode(make.guesser(teammate.id), project.joinCode), /Submissions are closed/);
		await refused(
			updateProject(owner.id, project.id, { ...details, name: 'Late' }),
			/Submissions are closed/
		);
		await refused(deleteProject(owner.id, project.id), /Submissions are closed/);
		expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).name).toBe('Trash Robot');
	});

	it('the owner and collaborators edit; others cannot', async () => {
		const { project, teammate, owner, event } = await scene();
		await joinProjectByCode(make.guesser(teammate.id), project.joinCode);
		await updateProject(teammate.id, project.id, { ...details, name: 'Trash Robot 2', imageUrl: undefined });
		await updateProject(owner.id, project.id, { ...details, name: 'Trash Robot 3', repoUrl: undefined });
		const attendee = await make.createUser();
		await make.addAttendee(event.id, attendee.id);
		await refused(updateProject(attendee.id, project.id, { ...details, name: 'Hijacked' }), /Only the team/);
		const row = await db.project.findUniqueOrThrow({ where: { id: project.id } });
		expect(row).toMatchObject({ name: 'Trash Robot 3', repoUrl: null });
	});

	it('only the owner deletes the project or removes a collaborator; a collaborator can leave', async () => {
		const { project, teammate, owner, event } = await scene();
		const second = await make.createUser();
		await make.addAttendee(event.id, second.id);
		await joinProjectByCode(make.guesser(teammate.id), project.joinCode);
		await joinProjectByCode(make.guesser(second.id), project.joinCode);

		await refused(removeCollaborator(teammate.id, project.id, second.id), /Only the owner/);
		await refused(deleteProject(teammate.id, project.id), /Only the owner/);
		await refused(leaveProject(owner.id, project.id), /owner cannot leave/);

		await leaveProject(teammate.id, project.id);
		await removeCollaborator(owner.id, project.id, second.id);
		expect(await db.projectCollaborator.count({ where: { projectId: project.id } })).toBe(0);
		await refused(leaveProject(teammate.id, project.id), /not on this team/);

		expect(await deleteProject(owner.id, project.id)).toEqual({ eventSlug: event.slug });
		expect(await db.project.count({ where: { id: project.id } })).toBe(0);
	});
});

describe('what people see', () => {
	it('the project page shows the team by display name, and the code only to the team', async () => {
		const { project, teammate, owner, event } = await scene();
		await db.user.update({ where: { id: owner.id }, data: { phone: '+1 555 0100', city: 'Secretville' } });
		await joinProjectByCode(make.guesser(teammate.id), project.joinCode);
		const attendee = await make.createUser();
		await make.addAttendee(event.id, attendee.id);

		const asStranger = await getProjectForViewer(project.id, attendee.id);
		expect(asStranger.team.map((m) => m.displayName)).toEqual([owner.displayName, teammate.displayName]);
		expect(asStranger).toMatchObject({ joinCode: undefined, role: undefined, canEdit: false });
		expect(JSON.stringify(asStranger)).not.toMatch(/555 0100|Secretville|@example/);

		const asTeammate = await getProjectForViewer(project.id, teammate.id);
		expect(asTeammate).toMatchObject({ joinCode: project.joinCode, role: 'collaborator', canEdit: true });
	});

	it('the gallery is shuffled per viewer, stable for each, and carries no scores', async () => {
		const event = await make.createEvent();
		for (let i = 0; i < 12; i++) await make.createProject(event.id);
		const a1 = (await listEventGallery(event.id, 'viewer-a')).projects.map((p) => p.id);
		const a2 = (await listEventGallery(event.id, 'viewer-a')).projects.map((p) => p.id);
		const b = (await listEventGallery(event.id, 'viewer-b')).projects.map((p) => p.id);
		expect(a1).toEqual(a2);
		expect(b).not.toEqual(a1);
		expect([...b].sort()).toEqual([...a1].sort());
		const [first] = (await listEventGallery(event.id, 'viewer-a')).projects;
		expect(Object.keys(first)).not.toContain('legacyPoints');
		expect(Object.keys(first)).not.toContain('votes');
	});

	it('a large gallery comes in pages of 48: every project once, the same pages on every visit', async () => {
		const event = await make.createEvent();
		const ids = new Set<string>();
		for (let i = 0; i < 100; i++) ids.add((await make.createProject(event.id)).id);
		const pages = [];
		for (const page of [1, 2, 3]) pages.push(await listEventGallery(event.id, 'viewer-a', page));
		expect(pages.map((p) => [p.page, p.pages, p.total, p.projects.length])).toEqual([
			[1, 3, 100, 48],
			[2, 3, 100, 48],
			[3, 3, 100, 4]
		]);
		const seen = pages.flatMap((p) => p.projects.map((project) => project.id));
		expect(new Set(seen).size).toBe(100);
		expect(new Set(seen)).toEqual(ids);
		// The same viewer sees the same page again; a page past the last is the last.
		const again = await listEventGallery(event.id, 'viewer-a', 2);
		expect(again.projects.map((p) => p.id)).toEqual(pages[1].projects.map((p) => p.id));
		const past = await listEventGallery(event.id, 'viewer-a', 9);
		expect(past.page).toBe(3);
		expect(past.projects.map((p) => p.id)).toEqual(pages[2].projects.map((p) => p.id));
		expect(pageNumber('2')).toBe(2);
		for (const bad of [null, '', '0', '-1', 'abc', '2.5', '1e3', '9999999']) expect(pageNumber(bad)).toBe(1);
		expect(pageNumber('7', 3)).toBe(3);
	});

	it('my projects lists owned and joined projects with their events and codes', async () => {
		const { project, teammate, event } = await scene();
		await joinProjectByCode(make.guesser(teammate.id), project.joinCode);
		const mine = await listMyProjects(teammate.id);
		expect(mine).toEqual([
			{
				id: project.id,
				name: 'Trash Robot',
				joinCode: project.joinCode,
				role: 'collaborator',
				event: { name: event.name, slug: event.slug, phase: 'submission' }
			}
		]);
	});

	it("my projects: both roles, newest first, without others' drafts nor other people's projects", async () => {
		const me = await make.createUser();
		const older = await make.createProject((await make.createEvent()).id, { ownerId: me.id });
		const joined = await make.createProject((await make.createEvent()).id);
		await make.addCollaborator(joined.id, me.id);
		const hidden = await make.createProject((await make.createEvent({ phase: 'draft' })).id);
		await make.addCollaborator(hidden.id, me.id);
		const myDraft = await make.createEvent({ ownerId: me.id, phase: 'draft' });
		const newest = await make.createProject(myDraft.id, { ownerId: me.id });
		await make.createProject((await make.createEvent()).id);
		const mine = await listMyProjects(me.id);
		expect(mine.map((p) => [p.id, p.role])).toEqual([
			[newest.id, 'owner'],
			[joined.id, 'collaborator'],
			[older.id, 'owner']
		]);
	});

	// The planner's cost estimates over 30,000 projects turned JIT compilation on: 30 ms of a 108 ms page.
	it.runIf(process.env.DATABASE_URL)(
		"runs the app's queries without JIT compilation on a server",
		async () => {
			const [{ jit }] = await db.$queryRaw<{ jit: string }[]>`SELECT current_setting('jit') AS jit`;
			expect(jit).toBe('off');
		}
	);
});

describe('the project form of an event', () => {
	it('marks a missing demo link on the field when the event asks for one', () => {
		const fields = { name: 'X', hoursSpent: '1' };
		const strict = projectSchemaFor(true).safeParse(fields);
		expect(strict.error?.issues[0]).toMatchObject({
			path: ['demoUrl'],
			message: 'This event asks for a demo link: add one.'
		});
		expect(projectSchemaFor(false).safeParse(fields).success).toBe(true);
	});
});
