import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { RuleViolation } from '../rules.ts';
import type { Actor } from '../admin/access.ts';
import { recordPlatformAction } from './audit.ts';
import { fingerprintOf } from './fingerprint.ts';
import { lockPerson } from './person-actions.ts';
import { findPerson } from './people.ts';
import { m } from '../../paraglide/messages.js';

// Deleting a person keeps their row, so that nothing they took part in changes: their votes still count
// (published results stay as published), their projects and team places stay, shown as "Deleted person".
// Everything that identifies them is erased, and the address is freed: signing in with it again makes a
// new, empty account. Events must be handed over (or deleted) first, because an event needs an owner
// who can run it.

export const DELETED_NAME = 'Deleted person';

/** The address a deleted person's row keeps: unique, and at a domain that can never receive mail. */
export const deletedEmail = (id: string) => `deleted-${id}@deleted.invalid`;

/**
 * Erases everything that identifies the person and ends their sessions; the row, their votes, projects
 * and team places stay. Shared by deletion and by merging (the duplicate is deleted this way).
 */
export async function eraseIdentity(tx: Prisma.TransactionClient, id: string, now: Date) {
	const { count: sessions } = await tx.session.deleteMany({ where: { userId: id } });
	// Their answers to "how did you hear about us?" stay in the event's tally, without their name.
	const { count: referrals } = await tx.referral.updateMany({
		where: { userId: id },
		data: { userId: null }
	});
	// The keyed hashes of the addresses their ballots came from (integrity review) go too; receipts stay,
	// as their counted ballots do, and name nobody.
	await tx.eventAttendee.updateMany({ where: { userId: id }, data: { ballotClient: null } });
	await tx.user.update({
		where: { id },
		data: {
			email: deletedEmail(id),
			firstName: DELETED_NAME,
			lastName: null,
			displayName: DELETED_NAME,
			phone: null,
			street1: null,
			street2: null,
			city: null,
			state: null,
			zipCode: null,
			country: null,
			dob: null,
			airtableId: null,
			platformAdminSince: null,
			deletedAt: now
		}
	});
	return { sessions, referrals };
}

async function readDeletion(client: Prisma.TransactionClient, id: string) {
	const [liveEvents, projects, teams, votes, attendances, referrals, sessions] = await Promise.all([
		client.event.findMany({
			where: { ownerId: id, deletedAt: null },
			select: { id: true, name: true },
			orderBy: { name: 'asc' }
		}),
		client.project.count({ where: { ownerId: id } }),
		client.projectCollaborator.count({ where: { userId: id } }),
		client.vote.groupBy({ by: ['eventId'], where: { voterId: id }, _count: { _all: true } }),
		client.eventAttendee.count({ where: { userId: id } }),
		client.referral.count({ where: { userId: id } }),
		client.session.count({ where: { userId: id } })
	]);
	const closed = await client.event.findMany({
		where: { id: { in: votes.map((v) => v.eventId) }, phase: 'closed' },
		select: { id: true }
	});
	const closedIds = new Set(closed.map((e) => e.id));
	const sum = (rows: typeof votes) => rows.reduce((total, row) => total + row._count._all, 0);
	const effect = {
		blockedBy: liveEvents,
		projects,
		teams,
		attendances,
		votesInClosedEvents: sum(votes.filter((v) => closedIds.has(v.eventId))),
		votesInOpenEvents: sum(votes.filter((v) => !closedIds.has(v.eventId))),
		referrals,
		sessions
	};
	return { ...effect, fingerprint: fingerprintOf(effect) };
}

/** What deleting the person would do (and whether their events stop it), for the confirmation. */
export async function describeDeletion(id: string) {
	const person = await findPerson(id);
	return { person: { id: person.id, email: person.email }, ...(await readDeletion(db, id)) };
}

/**
 * Deletes the person as described by the confirmation whose `fingerprint` the admin saw; refused
 * (nothing changed) for oneself, a deleted person, an owner of events not deleted, or a stale confirmation.
 */
export async function deletePerson(actor: Actor, id: string, fingerprint: string, now = new Date()) {
	return db.$transaction(async (tx) => {
		const person = await lockPerson(tx, id);
		if (person.id === actor.id) {
			throw new RuleViolation(m.people_delete_self(), 403);
		}
		if (person.deletedAt) throw new RuleViolation(m.people_already_deleted(), 409);
		const effect = await readDeletion(tx, id);
		if (effect.blockedBy.length > 0) {
			throw new RuleViolation(
				m.people_delete_still_owns({
					email: person.email,
					names: effect.blockedBy.map((e) => e.name).join(', ')
				}),
				409
			);
		}
		if (effect.fingerprint !== fingerprint) {
			throw new RuleViolation(m.people_delete_stale(), 409);
		}
		const erased = await eraseIdentity(tx, id, now);
		const { projects, teams, attendances, votesInClosedEvents, votesInOpenEvents, referrals } = effect;
		const kept = { projects, teams, attendances, votesInClosedEvents, votesInOpenEvents, referrals };
		await recordPlatformAction(tx, {
			actor,
			action: 'person_deleted',
			summary: `Deleted the person ${person.email}: private data erased, ${erased.sessions} session(s) ended; their votes, projects and team places stay as "${DELETED_NAME}".`,
			targetUserId: id,
			details: { email: person.email, wasPlatformAdmin: person.platformAdminSince !== null, ...kept }
		});
		return { email: person.email, ...erased };
	});
}
