import type { EventPhase } from './generated/prisma/client.ts';
import { db } from './db.ts';

/** How many events of each kind the signed-in home page lists; the rest are on /events. */
export const HOME_EVENT_LIMIT = 20;

/** What a person should do next in an event, as the home page offers it. */
export type NextStep = 'submit' | 'edit-project' | 'wait' | 'vote' | 'change-ballot' | 'results' | 'manage';

/** The next step of an attendee in `phase`: submit or edit their project, vote or change it, see results. */
export function nextStepFor(phase: EventPhase, mine: { projectId?: string; voted: boolean }): NextStep {
	if (phase === 'submission') return mine.projectId ? 'edit-project' : 'submit';
	if (phase === 'voting') return mine.voted ? 'change-ballot' : 'vote';
	if (phase === 'closed') return 'results';
	// An attendee never sees a draft (listMyHomeEvents leaves them out); nothing to do there yet.
	return 'wait';
}

/**
 * The signed-in home page: the latest events a person attends (with their own project, if any, and the
 * step that comes next) and the latest they run, at most HOME_EVENT_LIMIT of each, newest first; and
 * whether there are more of either. Two queries, whatever the number of events.
 */
export async function listMyHomeEvents(userId: string) {
	const [attending, owned] = await Promise.all([
		db.eventAttendee.findMany({
			where: { userId, event: { deletedAt: null, phase: { not: 'draft' } } },
			orderBy: [{ joinedAt: 'desc' }, { eventId: 'asc' }],
			take: HOME_EVENT_LIMIT + 1,
			select: {
				ballotSavedAt: true,
				event: {
					select: {
						name: true,
						slug: true,
						phase: true,
						// Owned or shared: a person has at most one project per event in practice; the newest wins.
						projects: {
							where: { OR: [{ ownerId: userId }, { collaborators: { some: { userId } } }] },
							orderBy: { createdAt: 'desc' },
							take: 1,
							select: { id: true, name: true }
						}
					}
				}
			}
		}),
		db.event.findMany({
			where: { ownerId: userId, deletedAt: null },
			orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
			take: HOME_EVENT_LIMIT + 1,
			select: { name: true, slug: true, phase: true }
		})
	]);
	return {
		attending: attending.slice(0, HOME_EVENT_LIMIT).map(({ ballotSavedAt, event }) => {
			const project = event.projects[0];
			return {
				name: event.name,
				slug: event.slug,
				phase: event.phase,
				project: project ? { id: project.id, name: project.name } : null,
				step: nextStepFor(event.phase, { projectId: project?.id, voted: ballotSavedAt !== null })
			};
		}),
		owned: owned.slice(0, HOME_EVENT_LIMIT).map((event) => ({ ...event, step: 'manage' as NextStep })),
		moreAttending: attending.length > HOME_EVENT_LIMIT,
		moreOwned: owned.length > HOME_EVENT_LIMIT
	};
}
