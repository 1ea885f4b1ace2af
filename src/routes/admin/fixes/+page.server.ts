import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import {
	addAttendeeSchema,
	legacyPointsSchema,
	removeAttendeeSchema,
	teammateSchema,
	voidBallotSchema
} from '$lib/schemas/platform-fixes';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import type { SessionUser } from '$lib/server/auth/sessions';
import { parseForm } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages';
import {
	addAttendeeByAdmin,
	addTeammateByAdmin,
	describeRemovalByAdmin,
	removeAttendeeByAdmin,
	removeTeammateByAdmin
} from '$lib/server/platform/fixes';
import {
	describeBallot,
	describeLegacyPoints,
	setLegacyPointsByAdmin,
	voidBallotByAdmin
} from '$lib/server/platform/fixes-scores';
import { attempt, RuleViolation } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

/** A look-up for a confirmation: what it found, or why it found nothing (never an error page). */
async function review<T>(work: () => Promise<T>): Promise<{ found: T } | { message: string }> {
	try {
		return { found: await work() };
	} catch (error) {
		if (error instanceof RuleViolation) return { message: error.message };
		throw error;
	}
}

// ?event=, ?email= and ?project= prefill the forms (the person and event pages link here with them);
// ?review=<fix> opens that fix's confirmation, a plain GET so that it works without JavaScript.
export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	const query = event.url.searchParams;
	const read = (name: string) => (query.get(name) ?? '').trim().slice(0, 320);
	const prefill = { event: read('event'), email: read('email'), project: read('project') };
	const which = query.get('review');
	return {
		prefill,
		removal:
			which === 'remove-attendee'
				? await review(() => describeRemovalByAdmin(prefill.event, prefill.email))
				: undefined,
		ballot:
			which === 'void-ballot' ? await review(() => describeBallot(prefill.event, prefill.email)) : undefined,
		points: which === 'legacy-points' ? await review(() => describeLegacyPoints(prefill.project)) : undefined
	};
};

/**
 * One fix: guard, parse its form, make it, and say what was done. A refusal comes back with the form's
 * values (and its name in `fix`), so that the right form shows the message and refills.
 */
async function fix<S extends z.ZodType>(
	event: RequestEvent,
	name: string,
	schema: S,
	make: (user: SessionUser, data: z.output<S>) => Promise<string>
) {
	const user = requirePlatformAdmin(event);
	const form = await parseForm(event.request, schema);
	if (form.failure) {
		form.failure.data.values.fix = name;
		return form.failure;
	}
	const values = { ...form.values, fix: name };
	const done = await attempt(make(user, form.data), values);
	if (done.failure) return done.failure;
	return { fix: name, done: done.value };
}

export const actions: Actions = {
	addAttendee: (event) =>
		fix(event, 'addAttendee', addAttendeeSchema, async (user, data) => {
			const { person, event: target } = await addAttendeeByAdmin(user, data);
			return m.platform_fix_added_attendee({ email: person.email, event: target.name });
		}),
	removeAttendee: (event) =>
		fix(event, 'removeAttendee', removeAttendeeSchema, async (user, data) => {
			const { eventId, userId, removeProjects, removeVotes, reason } = data;
			const seen = { projects: data.seenProjects, teams: data.seenTeams, votes: data.seenVotes };
			const {
				person,
				event: target,
				removed
			} = await removeAttendeeByAdmin(user, {
				eventId,
				userId,
				removeProjects,
				removeVotes,
				seen,
				reason
			});
			return m.platform_fix_removed_attendee({
				email: person.email,
				event: target.name,
				projects: m.platform_fix_n_projects({ count: removed.projects }),
				teams: m.platform_fix_n_team_places({ count: removed.teams }),
				votes: m.platform_fix_n_votes({ count: removed.votes })
			});
		}),
	addTeammate: (event) =>
		fix(event, 'addTeammate', teammateSchema, async (user, data) => {
			const { person, project } = await addTeammateByAdmin(user, data);
			return m.platform_fix_added_teammate({ email: person.email, project: project.name });
		}),
	removeTeammate: (event) =>
		fix(event, 'removeTeammate', teammateSchema, async (user, data) => {
			const { person, project } = await removeTeammateByAdmin(user, data);
			return m.platform_fix_removed_teammate({ email: person.email, project: project.name });
		}),
	setLegacyPoints: (event) =>
		fix(event, 'setLegacyPoints', legacyPointsSchema, async (user, data) => {
			const { project, from, to } = await setLegacyPointsByAdmin(user, data);
			return m.platform_fix_set_points({ project: project.name, from, to });
		}),
	voidBallot: (event) =>
		fix(event, 'voidBallot', voidBallotSchema, async (user, data) => {
			const { person, event: target, votes, closed } = await voidBallotByAdmin(user, data);
			const voided = {
				email: person.email,
				event: target.name,
				votes: m.platform_fix_n_votes({ count: votes })
			};
			return closed ? m.platform_fix_voided_closed(voided) : m.platform_fix_voided(voided);
		})
};
