import { db } from '../db.ts';
import type { Prisma, ProjectCheckStatus } from '../generated/prisma/client.ts';
import { announceEventChange } from '../live-channel.ts';
import { RuleViolation } from '../rules.ts';
import { lockOwnedEvent, type Actor } from './access.ts';
import { recordAuditEntry } from './audit.ts';
import { pageOf, type PageRequest } from './paging.ts';
import { m } from '../../paraglide/messages.js';

const teamSelect = {
	owner: { select: { id: true, displayName: true } },
	collaborators: {
		select: { user: { select: { id: true, displayName: true } } },
		orderBy: { joinedAt: 'asc' }
	}
} as const satisfies Prisma.ProjectSelect;

/**
 * A page of the event's projects by name, each with its team, vote count and link-check status (a fixed
 * number of queries); `check` keeps only the projects with that status.
 */
export async function listEventProjects(
	eventId: string,
	request: PageRequest & { check?: ProjectCheckStatus }
) {
	const where: Prisma.ProjectWhereInput = {
		eventId,
		...(request.q ? { name: { contains: request.q, mode: 'insensitive' } } : {}),
		...(request.check ? { check: { status: request.check } } : {})
	};
	const total = await db.project.count({ where });
	const page = pageOf(request, total);
	const rows = await db.project.findMany({
		where,
		select: {
			id: true,
			name: true,
			legacyPoints: true,
			createdAt: true,
			...teamSelect,
			check: { select: { status: true, message: true, checkedAt: true } },
			_count: { select: { votes: true } }
		},
		orderBy: [{ name: 'asc' }, { id: 'asc' }],
		skip: page.skip,
		take: page.take
	});
	return {
		projects: rows.map(({ owner, collaborators, _count, ...project }) => ({
			...project,
			team: [owner.displayName, ...collaborators.map((c) => c.user.displayName)],
			votes: _count.votes
		})),
		...page.info,
		check: request.check ?? null
	};
}

/** One project of the event and how many votes would go with it, for the confirmation. */
export async function describeProjectRemoval(eventId: string, projectId: string) {
	const project = await db.project.findFirst({
		where: { id: projectId, eventId },
		select: { id: true, name: true, ...teamSelect, _count: { select: { votes: true } } }
	});
	if (!project) return undefined;
	const { owner, collaborators, _count, ...rest } = project;
	return {
		...rest,
		team: [owner.displayName, ...collaborators.map((c) => c.user.displayName)],
		votes: _count.votes
	};
}

/** Removes a project from the event with its votes and team links, in any phase. */
export async function removeProject(actor: Actor, eventId: string, projectId: string) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const project = await tx.project.findFirst({
			where: { id: projectId, eventId },
			select: { name: true, _count: { select: { votes: true } } }
		});
		if (!project) throw new RuleViolation(m.server_check_not_in_event(), 404);
		await tx.project.delete({ where: { id: projectId } });
		await announceEventChange(tx, eventId);
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'project_removed',
			summary: `Removed the project "${project.name}" with its ${project._count.votes} vote(s).`,
			details: { projectId, votes: project._count.votes }
		});
		return { name: project.name, votes: project._count.votes };
	});
}
