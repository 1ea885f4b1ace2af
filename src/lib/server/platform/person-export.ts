import { db } from '../db.ts';
import type { Actor } from '../admin/access.ts';
import { recordPlatformAction } from './audit.ts';
import { lockPerson } from './person-actions.ts';
import { whereVotesOf } from './votes-of.ts';

// "Everything we hold about them", as one JSON document: for a person's request for their data, or
// before deleting them. Session token hashes are left out: they are credentials, not data about anyone.

const eventRef = { id: true, name: true, slug: true } as const;

/** The person's data as a plain object; the download is audited in the same transaction. */
export async function exportPerson(actor: Actor, id: string, now = new Date()) {
	return db.$transaction(async (tx) => {
		const person = await lockPerson(tx, id);
		const [profile, attendances, ownedEvents, projects, teams, votes, referrals, sessions] =
			await Promise.all([
				tx.user.findUniqueOrThrow({
					where: { id },
					select: {
						id: true,
						email: true,
						firstName: true,
						lastName: true,
						displayName: true,
						phone: true,
						street1: true,
						street2: true,
						city: true,
						state: true,
						zipCode: true,
						country: true,
						dob: true,
						profileCompletedAt: true,
						platformAdminSince: true,
						deletedAt: true,
						airtableId: true,
						createdAt: true,
						updatedAt: true
					}
				}),
				tx.eventAttendee.findMany({
					where: { userId: id },
					select: { joinedAt: true, ballotSavedAt: true, event: { select: eventRef } },
					orderBy: { joinedAt: 'asc' }
				}),
				tx.event.findMany({
					where: { ownerId: id },
					select: { ...eventRef, phase: true, createdAt: true, deletedAt: true },
					orderBy: { createdAt: 'asc' }
				}),
				tx.project.findMany({
					where: { ownerId: id },
					select: {
						id: true,
						name: true,
						description: true,
						repoUrl: true,
						demoUrl: true,
						imageUrl: true,
						hoursSpent: true,
						createdAt: true,
						updatedAt: true,
						event: { select: eventRef }
					},
					orderBy: { createdAt: 'asc' }
				}),
				tx.projectCollaborator.findMany({
					where: { userId: id },
					select: {
						joinedAt: true,
						project: { select: { id: true, name: true, event: { select: eventRef } } }
					},
					orderBy: { joinedAt: 'asc' }
				}),
				whereVotesOf(tx, [id]).then((where) =>
					tx.vote.findMany({
						where,
						select: {
							id: true,
							createdAt: true,
							project: { select: { id: true, name: true } },
							event: { select: eventRef }
						},
						orderBy: { createdAt: 'asc' }
					})
				),
				tx.referral.findMany({
					where: { userId: id },
					select: { id: true, content: true, createdAt: true, event: { select: eventRef } },
					orderBy: { createdAt: 'asc' }
				}),
				tx.session.findMany({
					where: { userId: id },
					select: { createdAt: true, expiresAt: true },
					orderBy: { createdAt: 'asc' }
				})
			]);
		await recordPlatformAction(tx, {
			actor,
			action: 'person_exported',
			summary: `Downloaded the data of ${person.email} as JSON.`, // i18n-ignore: a stored audit record
			targetUserId: id
		});
		return {
			exportedAt: now.toISOString(),
			profile: { ...profile, dob: profile.dob?.toISOString().slice(0, 10) ?? null },
			attendances,
			ownedEvents,
			projects,
			teams,
			votes,
			referrals,
			sessions
		};
	});
}
