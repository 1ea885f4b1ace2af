import { randomUUID } from 'node:crypto';
import type { EventPhase } from '../../src/lib/server/generated/prisma/client';
import { generateJoinCode } from '../../src/lib/server/join-codes';
import { db } from './db';

// Test data builders shared by the integration tests. Each returns the created row.

let sequence = 0;
const next = () => `${++sequence}-${randomUUID().slice(0, 8)}`;

export function createUser(fields: { email?: string; firstName?: string; lastName?: string } = {}) {
	const n = next();
	const firstName = fields.firstName ?? `Tester${sequence}`;
	return db.user.create({
		data: {
			email: fields.email ?? `user-${n}@example.test`,
			firstName,
			lastName: fields.lastName ?? 'Example',
			displayName: `${firstName} E.`,
			profileCompletedAt: new Date()
		}
	});
}

export async function createEvent(
	fields: { ownerId?: string; name?: string; phase?: EventPhase; demoLinksOptional?: boolean } = {}
) {
	const n = next();
	const ownerId = fields.ownerId ?? (await createUser()).id;
	return db.event.create({
		data: {
			name: fields.name ?? `Event ${n}`,
			slug: `event-${n}`.toLowerCase(),
			joinCode: generateJoinCode(),
			ownerId,
			phase: fields.phase ?? 'submission',
			demoLinksOptional: fields.demoLinksOptional ?? false
		}
	});
}

export function addAttendee(eventId: string, userId: string) {
	return db.eventAttendee.create({ data: { eventId, userId } });
}

/** A project owned by `ownerId` (created and made an attendee when not given). */
export async function createProject(eventId: string, fields: { ownerId?: string; name?: string } = {}) {
	const ownerId = fields.ownerId ?? (await createUser()).id;
	await db.eventAttendee.upsert({
		where: { eventId_userId: { eventId, userId: ownerId } },
		create: { eventId, userId: ownerId },
		update: {}
	});
	return db.project.create({
		data: {
			name: fields.name ?? `Project ${next()}`,
			description: 'Built at the test hackathon.',
			repoUrl: 'https://example.test/repo',
			demoUrl: 'https://example.test/demo',
			hoursSpent: 12,
			joinCode: generateJoinCode(),
			ownerId,
			eventId
		}
	});
}

export function addCollaborator(projectId: string, userId: string) {
	return db.projectCollaborator.create({ data: { projectId, userId } });
}

/**
 * Records a vote directly, bypassing the app's ballot checks: for setting up a scene. The voter is made
 * an attendee first, since the database itself refuses votes from others (votes_enforce_ballot_rules).
 */
export async function createVote(voterId: string, projectId: string) {
	const project = await db.project.findUniqueOrThrow({ where: { id: projectId } });
	await db.eventAttendee.upsert({
		where: { eventId_userId: { eventId: project.eventId, userId: voterId } },
		create: { eventId: project.eventId, userId: voterId },
		update: {}
	});
	return db.vote.create({ data: { voterId, projectId, eventId: project.eventId } });
}

/** A person trying a join code from a test's client address. */
export function guesser(userId: string, clientAddress = '192.0.2.1') {
	return { userId, clientAddress };
}

/**
 * An event in voting, owned by a person named `ownerName`, with `projects` projects ("Project 1", ...);
 * `voter()` adds an attendee, `actor` is the owner as the admin code records them.
 */
export async function votingScene({ projects = 5, ownerName = 'Olga' } = {}) {
	const owner = await createUser({ firstName: ownerName });
	const event = await createEvent({ ownerId: owner.id, phase: 'submission' });
	const ids: string[] = [];
	for (let i = 0; i < projects; i++)
		ids.push((await createProject(event.id, { name: `Project ${i + 1}` })).id);
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	const voter = async () => {
		const user = await createUser();
		await addAttendee(event.id, user.id);
		return user;
	};
	const actor = { id: owner.id, displayName: owner.displayName, email: owner.email };
	return { owner, actor, event, ids, voter };
}
