import { safeHref } from '$lib/links';
import type { ProjectInput } from '$lib/schemas/project';
import { db } from './db.ts';
import { isAttendee } from './events.ts';
import { generateJoinCode, normalizeJoinCode } from './join-codes.ts';
import { isUniqueViolation, RuleViolation } from './rules.ts';
import { isGoneFor, isVisibleTo } from './event-access.ts';
import { limitCodeGuessing, type CodeGuesser } from './join-limits.ts';
import { shuffleFor } from './results/ballot-design.ts';
import { checkPersonalDetails } from './pii-gate.ts';
import { requestProjectCheck } from './validators/run.ts';
import { m } from '../paraglide/messages.js';

// Teams and project details change only while submissions are open: once voting starts, what people
// vote on (and who may not vote for it) stays put.
const SUBMISSIONS_CLOSED = () => m.server_project_submissions_closed();

async function loadProject(projectId: string) {
	const project = await db.project.findUnique({
		where: { id: projectId },
		select: {
			id: true,
			ownerId: true,
			eventId: true,
			event: { select: { phase: true, slug: true, ownerId: true, demoLinksOptional: true, deletedAt: true } },
			collaborators: { select: { userId: true } }
		}
	});
	// Projects of a soft-deleted event are as gone as the event itself.
	if (!project || project.event.deletedAt) throw new RuleViolation(m.server_project_not_found(), 404);
	return project;
}

function teamRole(project: Awaited<ReturnType<typeof loadProject>>, userId: string) {
	if (project.ownerId === userId) return 'owner' as const;
	if (project.collaborators.some((c) => c.userId === userId)) return 'collaborator' as const;
	return undefined;
}

function requireDemoLink(input: ProjectInput, demoLinksOptional: boolean) {
	if (!demoLinksOptional && !input.demoUrl) {
		throw new RuleViolation(m.server_project_demo_required());
	}
}

/** Creates a project in an event in `submission`, owned by an attendee. */
export async function createProject(userId: string, eventId: string, input: ProjectInput) {
	const event = await db.event.findUnique({
		where: { id: eventId },
		select: { phase: true, demoLinksOptional: true, piiRequired: true, deletedAt: true }
	});
	if (!event || event.deletedAt) throw new RuleViolation(m.server_event_not_found(), 404);
	if (!(await isAttendee(eventId, userId))) {
		throw new RuleViolation(m.server_project_join_event_first(), 403);
	}
	if (event.phase !== 'submission') throw new RuleViolation(m.server_project_submissions_not_open(), 409);
	requireDemoLink(input, event.demoLinksOptional);
	await refuseSecondProject(userId, eventId);
	await checkPersonalDetails(event, userId);
	for (let attempt = 0; ; attempt++) {
		let created;
		try {
			created = await db.project.create({
				data: {
					...input,
					description: input.description ?? '',
					joinCode: generateJoinCode(),
					ownerId: userId,
					eventId
				},
				select: { id: true, joinCode: true }
			});
		} catch (error) {
			if (!isUniqueViolation(error)) throw error;
			// The database refused a second project made at the same moment (projects_one_per_owner), or
			// the new join code clashed: only the latter is worth another try.
			await refuseSecondProject(userId, eventId);
			if (attempt >= 5) throw error;
			continue;
		}
		// The event's link checks run in the background: the save does not wait for GitHub.
		await requestProjectCheck(created.id);
		return created;
	}
}

/** The project `userId` owns in the event, if any: one each (see refuseSecondProject). */
export function findOwnedProject(userId: string, eventId: string) {
	return db.project.findFirst({ where: { eventId, ownerId: userId }, select: { id: true, name: true } });
}

// One owned project per person and event (held by the database too): the number of projects sets
// everyone's vote limit, so nobody may raise it by submitting twenty. Teammates join one project.
async function refuseSecondProject(userId: string, eventId: string) {
	const owned = await findOwnedProject(userId, eventId);
	if (owned) {
		throw new RuleViolation(m.server_project_already_have({ name: owned.name }), 409);
	}
}

/** Changes a project's details: its owner or a collaborator, while submissions are open. */
export async function updateProject(userId: string, projectId: string, input: ProjectInput) {
	const project = await loadProject(projectId);
	if (!teamRole(project, userId)) throw new RuleViolation(m.server_project_team_only(), 403);
	if (project.event.phase !== 'submission') throw new RuleViolation(SUBMISSIONS_CLOSED(), 409);
	requireDemoLink(input, project.event.demoLinksOptional);
	await db.project.update({
		where: { id: projectId },
		data: {
			...input,
			description: input.description ?? '',
			// An emptied optional field clears the stored link.
			repoUrl: input.repoUrl ?? null,
			demoUrl: input.demoUrl ?? null,
			imageUrl: input.imageUrl ?? null
		}
	});
	await requestProjectCheck(projectId);
}

/** Deletes a project (and its team links): its owner only, while submissions are open. */
export async function deleteProject(userId: string, projectId: string) {
	const project = await loadProject(projectId);
	if (project.ownerId !== userId) throw new RuleViolation(m.server_project_owner_delete(), 403);
	if (project.event.phase !== 'submission') throw new RuleViolation(SUBMISSIONS_CLOSED(), 409);
	await db.project.delete({ where: { id: projectId } });
	return { eventSlug: project.event.slug };
}

/**
 * Joins the project whose code was typed as a collaborator, within the guessing limit: attendees of its
 * event only.
 */
export async function joinProjectByCode(guesser: CodeGuesser, typedCode: string) {
	await limitCodeGuessing(guesser);
	const { userId } = guesser;
	const project = await db.project.findUnique({
		where: { joinCode: normalizeJoinCode(typedCode) },
		select: {
			id: true,
			name: true,
			ownerId: true,
			eventId: true,
			event: { select: { phase: true, ownerId: true, piiRequired: true, deletedAt: true } }
		}
	});
	if (!project || project.event.deletedAt || !isVisibleTo(project.event, userId)) {
		throw new RuleViolation(m.server_project_bad_code(), 404);
	}
	if (project.ownerId === userId) return { projectId: project.id, alreadyInTeam: true };
	if (!(await isAttendee(project.eventId, userId))) {
		throw new RuleViolation(m.server_project_join_event_then_code(), 403);
	}
	if (project.event.phase !== 'submission') throw new RuleViolation(SUBMISSIONS_CLOSED(), 409);
	await checkPersonalDetails(project.event, userId);
	const { count } = await db.projectCollaborator.createMany({
		data: [{ projectId: project.id, userId }],
		skipDuplicates: true
	});
	return { projectId: project.id, alreadyInTeam: count === 0 };
}

/** A collaborator leaves a project's team, while submissions are open. */
export async function leaveProject(userId: string, projectId: string) {
	const project = await loadProject(projectId);
	if (project.ownerId === userId) {
		throw new RuleViolation(m.server_project_owner_cannot_leave(), 409);
	}
	if (teamRole(project, userId) !== 'collaborator')
		throw new RuleViolation(m.server_project_not_on_team(), 403);
	if (project.event.phase !== 'submission') throw new RuleViolation(SUBMISSIONS_CLOSED(), 409);
	await db.projectCollaborator.delete({ where: { projectId_userId: { projectId, userId } } });
}

/** The owner removes a collaborator from the team, while submissions are open. */
export async function removeCollaborator(ownerId: string, projectId: string, collaboratorId: string) {
	const project = await loadProject(projectId);
	if (project.ownerId !== ownerId) throw new RuleViolation(m.server_project_owner_team(), 403);
	if (project.event.phase !== 'submission') throw new RuleViolation(SUBMISSIONS_CLOSED(), 409);
	const { count } = await db.projectCollaborator.deleteMany({ where: { projectId, userId: collaboratorId } });
	if (count === 0) throw new RuleViolation(m.server_project_person_not_on_team(), 404);
}

/**
 * A project's page as `viewerId` may see it: details and the team by display name (never anyone's
 * private fields). The join code only for the team; no scores (the leaderboard shows those). A project
 * of a soft-deleted event is visible only to platform admins (`seesDeleted`).
 */
export async function getProjectForViewer(
	projectId: string,
	viewerId: string | undefined,
	seesDeleted = false
) {
	const project = await db.project.findUnique({
		where: { id: projectId },
		select: {
			id: true,
			name: true,
			description: true,
			repoUrl: true,
			demoUrl: true,
			imageUrl: true,
			hoursSpent: true,
			joinCode: true,
			ownerId: true,
			owner: { select: { displayName: true } },
			collaborators: {
				select: { userId: true, user: { select: { displayName: true } } },
				orderBy: { joinedAt: 'asc' }
			},
			event: {
				select: {
					name: true,
					slug: true,
					phase: true,
					ownerId: true,
					demoLinksOptional: true,
					deletedAt: true
				}
			}
		}
	});
	if (!project || isGoneFor(project.event, seesDeleted) || !isVisibleTo(project.event, viewerId)) {
		throw new RuleViolation(m.server_project_not_found(), 404);
	}
	const role =
		project.ownerId === viewerId
			? 'owner'
			: project.collaborators.some((c) => c.userId === viewerId)
				? 'collaborator'
				: undefined;
	const { joinCode, collaborators, owner, ownerId, event, ...details } = withSafeLinks(project);
	const { deletedAt, ...eventDetails } = event;
	return {
		...details,
		event: { ...eventDetails, deleted: deletedAt !== null },
		team: [
			{ userId: ownerId, displayName: owner.displayName, role: 'owner' as const },
			...collaborators.map((c) => ({
				userId: c.userId,
				displayName: c.user.displayName,
				role: 'collaborator' as const
			}))
		],
		joinCode: role ? joinCode : undefined,
		role,
		canEdit: role !== undefined && project.event.phase === 'submission' && !deletedAt
	};
}

// The same per-key order the balanced ballot design builds on (results/ballot-design.ts).
export { shuffleFor };

/** What a project card shows in galleries and on the ballot: no scores, the team by display name. */
export const projectCardSelect = {
	id: true,
	name: true,
	description: true,
	imageUrl: true,
	demoUrl: true,
	repoUrl: true,
	owner: { select: { displayName: true } },
	collaborators: { select: { user: { select: { displayName: true } } } }
} as const;

type StoredLinks = { repoUrl: string | null; demoUrl: string | null; imageUrl: string | null };

/**
 * A project's links as pages may render them. The forms store only http(s) links, but rows imported
 * or written in SQL before may hold javascript: or data: URLs: those are left out here, where every
 * page that shows a project's links (its page, the gallery, the ballot) gets them. The edit form then
 * starts empty for such a link, and saving it clears the row.
 */
function withSafeLinks<T extends StoredLinks>(project: T): T {
	return {
		...project,
		repoUrl: safeHref(project.repoUrl) ?? null,
		demoUrl: safeHref(project.demoUrl) ?? null,
		imageUrl: safeHref(project.imageUrl) ?? null
	};
}

type CardRow = StoredLinks & {
	owner: { displayName: string };
	collaborators: { user: { displayName: string } }[];
};

/** A project row read with projectCardSelect, its team flattened to display names. */
export function toProjectCard<T extends CardRow>({ owner, collaborators, ...project }: T) {
	return {
		...withSafeLinks(project),
		team: [owner.displayName, ...collaborators.map((c) => c.user.displayName)].filter(Boolean)
	};
}

/** How many project cards a page of an event's gallery, or of a ballot, shows. */
export const CARDS_PER_PAGE = 48;

/** A page number from the address (`?page=2`): 1 when absent or unreadable; never past `count`. */
export function pageNumber(value: string | null, count = Infinity): number {
	const asked = value !== null && /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : 1;
	return Math.max(1, Math.min(asked, count));
}

/**
 * Page `page` of `ids`, `perPage` to a page (every id when Infinity), and no further than `reachable`
 * pages; page 1 of 1 when there are none.
 */
export function pageOf(ids: string[], page: number, perPage = CARDS_PER_PAGE, reachable = Infinity) {
	if (!Number.isFinite(perPage)) return { ids, pages: { page: 1, count: 1 } };
	const count = Math.max(1, Math.ceil(ids.length / perPage));
	const shown = Math.max(1, Math.min(page, count, reachable));
	return { ids: ids.slice((shown - 1) * perPage, shown * perPage), pages: { page: shown, count } };
}

/** The cards of the projects `ids`, in that order (one deleted meanwhile is left out). */
export async function readCards(ids: string[]) {
	const cards = await db.project.findMany({ where: { id: { in: ids } }, select: projectCardSelect });
	const byId = new Map(cards.map((card) => [card.id, card]));
	return ids.flatMap((id) => {
		const card = byId.get(id);
		return card ? [toProjectCard(card)] : [];
	});
}

/**
 * One page of an event's gallery, shuffled for the viewer (the same order on every visit). No scores.
 * Only the page's cards are read: a 500-project event's page stays as light as a 48-project one's.
 */
export async function listEventGallery(eventId: string, viewerKey: string, page = 1) {
	const all = shuffleFor(viewerKey, await db.project.findMany({ where: { eventId }, select: { id: true } }));
	const { ids, pages } = pageOf(
		all.map((p) => p.id),
		page
	);
	return { projects: await readCards(ids), page: pages.page, pages: pages.count, total: all.length };
}

/** The projects a person owns or has joined, with their events and codes; none of soft-deleted events. */
export async function listMyProjects(userId: string) {
	const event = { OR: [{ phase: { not: 'draft' as const } }, { ownerId: userId }], deletedAt: null };
	const select = {
		id: true,
		name: true,
		joinCode: true,
		ownerId: true,
		createdAt: true,
		event: { select: { name: true, slug: true, phase: true } }
	} as const;
	// Two indexed lookups (by owner, by collaborator): an OR of the two makes PostgreSQL scan every project.
	const [owned, joined] = await Promise.all([
		db.project.findMany({ where: { ownerId: userId, event }, select }),
		db.project.findMany({ where: { collaborators: { some: { userId } }, event }, select })
	]);
	const byId = new Map([...joined, ...owned].map((p) => [p.id, p]));
	return [...byId.values()]
		.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
		.map((p) => ({
			id: p.id,
			name: p.name,
			joinCode: p.joinCode,
			event: p.event,
			role: p.ownerId === userId ? 'owner' : 'collaborator'
		}));
}
