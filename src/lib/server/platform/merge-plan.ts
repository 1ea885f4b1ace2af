import type { EventPhase } from '../generated/prisma/client.ts';
import { m } from '../../paraglide/messages.js';

// The rules of a merge, as a pure function of both accounts' rows, so that the confirmation page shows
// exactly what the merge then does. D is the duplicate (merged away), K the account kept.
//
// - Both attend an event: one attendance, with the earliest join and the latest saved ballot.
// - Both own a project in one event: refused. A person owns at most one project per event (the count of
//   projects sets everyone's vote limit), and turning one of them into a team of the other would change a
//   project's owner without its team being asked; the admin removes or hands over one project first.
// - Team places: a place on a project the other account owns, or on a team both are on, is dropped.
// - Votes: a vote for a project the merged person owns or is a teammate of (a self-vote after the merge)
//   is dropped, whichever account cast it; when both voted for one project, one vote stays. When both
//   voted in an event and together hold more votes than the event allows, the kept account's ballot
//   stands and the duplicate's other votes there are dropped. A vote of the duplicate in an event neither
//   account attends (its owner removed them and kept their votes) cannot move, since only attendees vote:
//   it stays with the deleted duplicate and keeps counting; so do the duplicate's votes in an event the kept
//   account did not vote in, if they are more than the event allows today (imported votes of the old
//   system, or projects removed since): moving them would break the limit, dropping them a result.
// - Referral answers: one per person and event; when both answered, the kept account's answer stays.
// - Events the duplicate owns (deleted ones too) move to the kept account.

export interface MergeInputs {
	duplicateId: string;
	keptId: string;
	attendances: {
		eventId: string;
		userId: string;
		joinedAt: Date;
		ballotSavedAt: Date | null;
		eventName: string;
		phase: EventPhase;
	}[];
	projects: {
		id: string;
		name: string;
		eventId: string;
		ownerId: string;
		eventName: string;
		phase: EventPhase;
	}[];
	teams: { projectId: string; userId: string; projectName: string; ownerId: string; eventId: string }[];
	votes: {
		id: string;
		voterId: string;
		projectId: string;
		projectName: string;
		eventId: string;
		eventName: string;
		phase: EventPhase;
	}[];
	/** The vote limit of every event either account voted in. */
	voteLimits: Record<string, number>;
	referrals: { id: string; userId: string | null; eventId: string; content: string }[];
	events: { id: string; name: string; deletedAt: Date | null }[];
	sessions: number;
}

type Vote = MergeInputs['votes'][number];
export type DroppedVote = Vote & { reason: 'same_project' | 'own_project' | 'over_limit'; byKept: boolean };

export type TeamDropCode = 'kept_owns' | 'both_on_team' | 'kept_becomes_owner';

const TEAM_DROP_REASONS: Record<TeamDropCode, string> = {
	kept_owns: 'the kept account owns this project', // i18n-ignore: stored in the audit record's details
	both_on_team: 'both accounts are on this team', // i18n-ignore: stored in the audit record's details
	// i18n-ignore: stored in the audit record's details
	kept_becomes_owner: 'the kept account becomes the owner of this project, which the duplicate owns'
};

/** What merging D into K does; `blockers` lists why it cannot be done (nothing is changed then). */
export function resolveMerge(inputs: MergeInputs) {
	const { duplicateId: D, keptId: K } = inputs;
	const blockers: string[] = [];

	const projectsOf = (user: string) => inputs.projects.filter((p) => p.ownerId === user);
	for (const mine of projectsOf(D)) {
		const theirs = projectsOf(K).find((p) => p.eventId === mine.eventId);
		if (theirs) {
			blockers.push(m.people_merge_both_own({ event: mine.eventName, mine: mine.name, theirs: theirs.name }));
		}
	}

	const ownedAfter = new Set(inputs.projects.map((p) => p.id));
	const duplicateOwns = new Set(projectsOf(D).map((p) => p.id));
	const keptOwns = new Set(projectsOf(K).map((p) => p.id));
	const keptTeams = new Set(inputs.teams.filter((t) => t.userId === K).map((t) => t.projectId));
	// `reason` is kept in the audit record's details, in English; `code` names it for the page.
	const teamsDropped: {
		projectId: string;
		userId: string;
		projectName: string;
		reason: string;
		code: TeamDropCode;
	}[] = [];
	const teamsMoved: typeof inputs.teams = [];
	for (const row of inputs.teams) {
		const drop = (code: TeamDropCode) =>
			teamsDropped.push({
				projectId: row.projectId,
				userId: row.userId,
				projectName: row.projectName,
				reason: TEAM_DROP_REASONS[code],
				code
			});
		if (row.userId === D) {
			if (keptOwns.has(row.projectId)) drop('kept_owns');
			else if (keptTeams.has(row.projectId)) drop('both_on_team');
			else teamsMoved.push(row);
		} else if (duplicateOwns.has(row.projectId)) {
			drop('kept_becomes_owner');
		}
	}
	const ownAfter = new Set([...ownedAfter, ...inputs.teams.map((t) => t.projectId)]);

	const attendedBy = (user: string) =>
		new Set(inputs.attendances.filter((a) => a.userId === user).map((a) => a.eventId));
	const keptAttends = attendedBy(K);
	const duplicateAttendances = inputs.attendances.filter((a) => a.userId === D);
	const combined = duplicateAttendances.filter((a) => keptAttends.has(a.eventId));
	const attendancesMoved = duplicateAttendances.filter((a) => !keptAttends.has(a.eventId));
	const attendsAfter = new Set([...keptAttends, ...attendedBy(D)]);

	const dropped: DroppedVote[] = [];
	const drop = (vote: Vote, reason: DroppedVote['reason']) =>
		dropped.push({ ...vote, reason, byKept: vote.voterId === K });
	const keptVotes = inputs.votes.filter((v) => v.voterId === K);
	for (const vote of keptVotes) if (ownAfter.has(vote.projectId)) drop(vote, 'own_project');
	const keptStanding = keptVotes.filter((v) => !ownAfter.has(v.projectId));
	const keptPicks = new Set(keptStanding.map((v) => v.projectId));
	const candidates: Vote[] = [];
	for (const vote of inputs.votes.filter((v) => v.voterId === D)) {
		if (ownAfter.has(vote.projectId)) drop(vote, 'own_project');
		else if (keptPicks.has(vote.projectId)) drop(vote, 'same_project');
		else candidates.push(vote);
	}
	const moved: Vote[] = [];
	const staying: Vote[] = [];
	for (const eventId of new Set(candidates.map((v) => v.eventId))) {
		const here = candidates.filter((v) => v.eventId === eventId);
		const keptHere = keptStanding.filter((v) => v.eventId === eventId).length;
		const overLimit = keptHere + here.length > (inputs.voteLimits[eventId] ?? 1);
		if (!attendsAfter.has(eventId) || (overLimit && keptHere === 0)) staying.push(...here);
		else if (overLimit) for (const vote of here) drop(vote, 'over_limit');
		else moved.push(...here);
	}

	const keptAnswered = new Set(inputs.referrals.filter((r) => r.userId === K).map((r) => r.eventId));
	const duplicateReferrals = inputs.referrals.filter((r) => r.userId === D);
	const referralsDropped = duplicateReferrals.filter((r) => keptAnswered.has(r.eventId));

	// A vote dropped in a closed event changes a result that has been published.
	const published = new Map<
		string,
		{ eventId: string; eventName: string; projects: Map<string, { projectName: string; votesLost: number }> }
	>();
	for (const vote of dropped.filter((v) => v.phase === 'closed')) {
		const event = published.get(vote.eventId) ?? {
			eventId: vote.eventId,
			eventName: vote.eventName,
			projects: new Map()
		};
		const project = event.projects.get(vote.projectId) ?? { projectName: vote.projectName, votesLost: 0 };
		project.votesLost += 1;
		event.projects.set(vote.projectId, project);
		published.set(vote.eventId, event);
	}
	const publishedChanges = [...published.values()].map((e) => ({
		eventId: e.eventId,
		eventName: e.eventName,
		projects: [...e.projects.entries()].map(([projectId, p]) => ({ projectId, ...p }))
	}));

	return {
		blockers,
		attendances: { moved: attendancesMoved, combined },
		projects: projectsOf(D),
		teams: { moved: teamsMoved, dropped: teamsDropped },
		votes: {
			moved,
			staying,
			sameProject: dropped.filter((v) => v.reason === 'same_project'),
			ownProject: dropped.filter((v) => v.reason === 'own_project'),
			overLimit: dropped.filter((v) => v.reason === 'over_limit')
		},
		referrals: {
			moved: duplicateReferrals.filter((r) => !keptAnswered.has(r.eventId)),
			dropped: referralsDropped
		},
		events: inputs.events,
		publishedChanges,
		counts: {
			attendancesMoved: attendancesMoved.length,
			attendancesCombined: combined.length,
			projectsMoved: projectsOf(D).length,
			teamsMoved: teamsMoved.length,
			teamsDropped: teamsDropped.length,
			votesMoved: moved.length,
			votesDropped: dropped.length,
			votesStaying: staying.length,
			referralsMoved: duplicateReferrals.length - referralsDropped.length,
			referralsDropped: referralsDropped.length,
			eventsMoved: inputs.events.length,
			sessionsEnded: inputs.sessions
		}
	};
}

export type MergeEffect = ReturnType<typeof resolveMerge>;
