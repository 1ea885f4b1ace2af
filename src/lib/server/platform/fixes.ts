import { deleteAttendance, type AttendeeRemovalOptions } from '../admin/attendees.ts';
import { db } from '../db.ts';
import { announceEventChange } from '../live-channel.ts';
import { isUniqueViolation, RuleViolation } from '../rules.ts';
import { recordPlatformAction, type PlatformActor } from './audit.ts';
import {
	findEventById,
	findEventByRef,
	findPersonByEmail,
	findPersonById,
	findProjectByRef,
	lockAttendance,
	named
} from './fix-targets.ts';
import { m } from '../../paraglide/messages.js';

// Data fixes of attendance and teams, made by a platform admin on /admin/fixes: each one transaction
// with its audit row (and the reason the admin typed) in it.

/** Makes the person with `email` an attendee of the event whose slug or join code was typed. */
export async function addAttendeeByAdmin(
	actor: PlatformActor,
	input: { event: string; email: string; reason: string }
) {
	try {
		return await db.$transaction(async (tx) => {
			const event = await findEventByRef(tx, input.event);
			const person = await findPersonByEmail(tx, input.email);
			if (await lockAttendance(tx, event.id, person.id)) {
				throw new RuleViolation(m.people_already_attends({ email: person.email, event: event.name }), 409);
			}
			await tx.eventAttendee.create({ data: { eventId: event.id, userId: person.id } });
			await announceEventChange(tx, event.id);
			await recordPlatformAction(tx, {
				actor,
				action: 'attendee_added',
				summary: `Added ${named(person)} to the attendees of ${event.name}.`, // i18n-ignore: a stored audit record
				reason: input.reason,
				targetUserId: person.id,
				targetEventId: event.id,
				details: { eventName: event.name, eventSlug: event.slug, email: person.email }
			});
			return { event, person };
		});
	} catch (error) {
		// Two admins adding the same person at once: the second one is told, as if it had seen the first.
		if (isUniqueViolation(error)) throw new RuleViolation(m.people_already_attends_this(), 409);
		throw error;
	}
}

/** What removing the person with `email` from the event would take along, for the confirmation. */
export async function describeRemovalByAdmin(eventRef: string, email: string) {
	const event = await findEventByRef(db, eventRef);
	const person = await findPersonByEmail(db, email);
	const counts = await countAttendeeRows(db, event.id, person.id);
	if (!counts)
		throw new RuleViolation(m.people_does_not_attend({ email: person.email, event: event.name }), 404);
	return { event, person, ...counts };
}

async function countAttendeeRows(tx: Parameters<typeof lockAttendance>[0], eventId: string, userId: string) {
	const attending = await tx.eventAttendee.count({ where: { eventId, userId } });
	if (!attending) return undefined;
	const [projects, teams, votes] = await Promise.all([
		tx.project.count({ where: { eventId, ownerId: userId } }),
		tx.projectCollaborator.count({ where: { userId, project: { eventId } } }),
		tx.vote.count({ where: { eventId, voterId: userId } })
	]);
	return { projects, teams, votes };
}

/**
 * Removes an attendee, with the same choices and rules as the event owner's removal (deleteAttendance).
 * Refused if what the confirmation showed (their projects, team places, votes) changed meanwhile.
 */
export async function removeAttendeeByAdmin(
	actor: PlatformActor,
	input: AttendeeRemovalOptions & {
		eventId: string;
		userId: string;
		seen: { projects: number; teams: number; votes: number };
		reason: string;
	}
) {
	return db.$transaction(async (tx) => {
		const event = await findEventById(tx, input.eventId);
		const person = await findPersonById(tx, input.userId);
		if (!(await lockAttendance(tx, event.id, person.id))) {
			throw new RuleViolation(
				m.people_does_not_attend_any_more({ email: person.email, event: event.name }),
				404
			);
		}
		const now = await countAttendeeRows(tx, event.id, person.id);
		const { seen } = input;
		if (!now || now.projects !== seen.projects || now.teams !== seen.teams || now.votes !== seen.votes) {
			throw new RuleViolation(m.people_fix_stale(), 409);
		}
		const options = { removeProjects: input.removeProjects, removeVotes: input.removeVotes };
		const { removed, summary } = await deleteAttendance(tx, event.id, person.id, options);
		await recordPlatformAction(tx, {
			actor,
			action: 'attendee_removed',
			summary: summary.replace('Removed the attendee', `Removed from ${event.name} the attendee`),
			reason: input.reason,
			targetUserId: person.id,
			targetEventId: event.id,
			details: { eventName: event.name, email: person.email, ...options, removed }
		});
		return { event, person, removed };
	});
}

/** Puts the person with `email` on the team of the project whose join code or id was typed. */
export async function addTeammateByAdmin(
	actor: PlatformActor,
	input: { project: string; email: string; reason: string }
) {
	try {
		return await db.$transaction(async (tx) => {
			const project = await findProjectByRef(tx, input.project);
			const person = await findPersonByEmail(tx, input.email);
			if (project.ownerId === person.id) {
				throw new RuleViolation(
					m.people_owner_not_teammate({ email: person.email, project: project.name }),
					409
				);
			}
			if (!(await lockAttendance(tx, project.event.id, person.id))) {
				throw new RuleViolation(
					m.people_add_to_event_first({ email: person.email, event: project.event.name }),
					409
				);
			}
			const onTeam = await tx.projectCollaborator.count({
				where: { projectId: project.id, userId: person.id }
			});
			if (onTeam)
				throw new RuleViolation(
					m.people_already_on_team({ email: person.email, project: project.name }),
					409
				);
			// A vote for one's own team's project is never allowed; it would count if they joined now.
			const voted = await tx.vote.count({ where: { projectId: project.id, voterId: person.id } });
			if (voted) {
				throw new RuleViolation(m.people_voted_for({ email: person.email, project: project.name }), 409);
			}
			await tx.projectCollaborator.create({ data: { projectId: project.id, userId: person.id } });
			await recordPlatformAction(tx, {
				actor,
				action: 'teammate_added',
				summary: `Added ${named(person)} to the team of ${project.name} (${project.event.name}).`, // i18n-ignore: a stored audit record
				reason: input.reason,
				targetUserId: person.id,
				targetEventId: project.event.id,
				details: { projectId: project.id, projectName: project.name, eventName: project.event.name }
			});
			return { project, person };
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw new RuleViolation(m.people_already_on_this_team(), 409);
		throw error;
	}
}

/** Takes the person with `email` off the team of the project whose join code or id was typed. */
export async function removeTeammateByAdmin(
	actor: PlatformActor,
	input: { project: string; email: string; reason: string }
) {
	return db.$transaction(async (tx) => {
		const project = await findProjectByRef(tx, input.project);
		const person = await findPersonByEmail(tx, input.email);
		if (project.ownerId === person.id) {
			throw new RuleViolation(
				m.people_owner_cannot_leave({ email: person.email, project: project.name }),
				409
			);
		}
		const { count } = await tx.projectCollaborator.deleteMany({
			where: { projectId: project.id, userId: person.id }
		});
		if (!count)
			throw new RuleViolation(m.people_not_on_team({ email: person.email, project: project.name }), 404);
		await recordPlatformAction(tx, {
			actor,
			action: 'teammate_removed',
			summary: `Took ${named(person)} off the team of ${project.name} (${project.event.name}).`, // i18n-ignore: a stored audit record
			reason: input.reason,
			targetUserId: person.id,
			targetEventId: project.event.id,
			details: { projectId: project.id, projectName: project.name, eventName: project.event.name }
		});
		return { project, person };
	});
}
