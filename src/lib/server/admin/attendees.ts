import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { announceEventChange } from '../live-channel.ts';
import { RuleViolation } from '../rules.ts';
import { lockOwnedEvent, type Actor } from './access.ts';
import { recordAuditEntry } from './audit.ts';
import { pageOf, type PageRequest } from './paging.ts';
import { m } from '../../paraglide/messages.js';

/** Matches a search text against names and email, case-insensitively. */
export function userSearch(q: string | undefined): Prisma.UserWhereInput | undefined {
	if (!q) return undefined;
	const contains = { contains: q, mode: 'insensitive' as const };
	return {
		OR: [{ firstName: contains }, { lastName: contains }, { displayName: contains }, { email: contains }]
	};
}

/**
 * A page of the event's attendees, newest first, with whether each has voted. Names and email only:
 * never address, phone or birth date. Three queries whatever the page size.
 */
export async function listAttendees(eventId: string, request: PageRequest) {
	const search = userSearch(request.q);
	const where: Prisma.EventAttendeeWhereInput = { eventId, ...(search ? { user: search } : {}) };
	const total = await db.eventAttendee.count({ where });
	const page = pageOf(request, total);
	const rows = await db.eventAttendee.findMany({
		where,
		select: {
			joinedAt: true,
			user: { select: { id: true, firstName: true, lastName: true, displayName: true, email: true } }
		},
		orderBy: [{ joinedAt: 'desc' }, { userId: 'asc' }],
		skip: page.skip,
		take: page.take
	});
	const votes = await db.vote.groupBy({
		by: ['voterId'],
		where: { eventId, voterId: { in: rows.map((row) => row.user.id) } },
		_count: { _all: true }
	});
	const votesBy = new Map(votes.map((v) => [v.voterId, v._count._all]));
	return {
		attendees: rows.map(({ joinedAt, user }) => ({ ...user, joinedAt, votes: votesBy.get(user.id) ?? 0 })),
		...page.info
	};
}

/** One attendee and what removing them could take along, for the confirmation. */
export async function describeAttendeeRemoval(eventId: string, userId: string) {
	const attendee = await db.eventAttendee.findUnique({
		where: { eventId_userId: { eventId, userId } },
		select: { user: { select: { id: true, displayName: true, email: true } } }
	});
	if (!attendee) return undefined;
	const [projects, votes, teams] = await Promise.all([
		db.project.count({ where: { eventId, ownerId: userId } }),
		db.vote.count({ where: { eventId, voterId: userId } }),
		db.projectCollaborator.count({ where: { userId, project: { eventId } } })
	]);
	return { ...attendee.user, projects, votes, teams };
}

/** What removing an attendee may take along; the owner's and the platform admins' removals share it. */
export interface AttendeeRemovalOptions {
	removeProjects: boolean;
	removeVotes: boolean;
}

/**
 * The rows of a removal, inside the caller's transaction (which checks who may do it and records it):
 * the attendance goes; `removeProjects` deletes the projects they own here (with the votes those projects
 * received) and takes them off other teams here; `removeVotes` deletes the votes they cast. Returns what
 * went, or a RuleViolation if the person does not attend the event.
 */
export async function deleteAttendance(
	tx: Prisma.TransactionClient,
	eventId: string,
	userId: string,
	options: AttendeeRemovalOptions
) {
	const attendee = await tx.eventAttendee.findUnique({
		where: { eventId_userId: { eventId, userId } },
		select: { user: { select: { displayName: true, email: true } } }
	});
	if (!attendee) throw new RuleViolation(m.server_attendee_gone(), 404);
	const removed = { projects: 0, votesOnProjects: 0, teams: 0, votes: 0 };
	if (options.removeVotes) {
		removed.votes = (await tx.vote.deleteMany({ where: { eventId, voterId: userId } })).count;
	}
	if (options.removeProjects) {
		removed.votesOnProjects = await tx.vote.count({ where: { eventId, project: { ownerId: userId } } });
		// Their projects' votes and team links go with them (ON DELETE CASCADE).
		removed.projects = (await tx.project.deleteMany({ where: { eventId, ownerId: userId } })).count;
		removed.teams = (
			await tx.projectCollaborator.deleteMany({ where: { userId, project: { eventId } } })
		).count;
	}
	await tx.eventAttendee.delete({ where: { eventId_userId: { eventId, userId } } });
	// The turnout (and, with removals, the ranking) changed: live views recompute.
	await announceEventChange(tx, eventId);
	const also = [
		options.removeProjects &&
			`${removed.projects} project(s) they owned (with ${removed.votesOnProjects} vote(s) for them) and ${removed.teams} team place(s)`,
		options.removeVotes && `${removed.votes} vote(s) they cast`
	].filter(Boolean);
	const who = `${attendee.user.displayName} <${attendee.user.email}>`;
	return {
		user: attendee.user,
		removed,
		/** What was removed, for the audit logs (stored: in English). */
		summary: `Removed the attendee ${who}${also.length ? `, with ${also.join(' and ')}` : '; their projects and votes stay'}.`
	};
}

/**
 * Removes a person from the event's attendees (see deleteAttendance for what `options` take along),
 * recorded in the event's audit log.
 */
export async function removeAttendee(
	actor: Actor,
	eventId: string,
	userId: string,
	options: AttendeeRemovalOptions
) {
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const { user, removed, summary } = await deleteAttendance(tx, eventId, userId, options);
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'attendee_removed',
			summary,
			details: { userId, ...options, removed }
		});
		return { displayName: user.displayName, ...removed };
	});
}
