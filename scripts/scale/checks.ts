// Proof, in SQL, that a database loaded without its triggers (seed.ts) obeys every rule those triggers
// and the foreign keys hold, plus the counts of what it contains.

import type { Sql } from './seed.ts';

/** Each rule as a query counting the rows that break it: all must be 0. */
export const RULES: Record<string, string> = {
	'one vote per voter per project': `SELECT count(*) FROM (SELECT 1 FROM votes GROUP BY voter_id, project_id HAVING count(*) > 1) AS d`,
	'no votes for your own or your team’s project': `SELECT count(*) FROM votes v JOIN projects p ON p.id = v.project_id
		WHERE p.owner_id = v.voter_id
			OR EXISTS (SELECT 1 FROM project_collaborators c WHERE c.project_id = v.project_id AND c.user_id = v.voter_id)`,
	'votes within the event’s limit (1 below 4 projects, 2 to 19, 3 from 20)': `SELECT count(*) FROM (
		SELECT v.event_id, v.voter_id, count(*) AS cast FROM votes v GROUP BY v.event_id, v.voter_id) AS b
		JOIN (SELECT event_id, count(*) AS projects FROM projects GROUP BY event_id) AS p ON p.event_id = b.event_id
		WHERE b.cast > CASE WHEN p.projects < 4 THEN 1 WHEN p.projects < 20 THEN 2 ELSE 3 END`,
	'votes only by attendees': `SELECT count(*) FROM votes v
		WHERE NOT EXISTS (SELECT 1 FROM event_attendees a WHERE a.event_id = v.event_id AND a.user_id = v.voter_id)`,
	'votes only in the project’s event': `SELECT count(*) FROM votes v
		WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = v.project_id AND p.event_id = v.event_id)`,
	'votes only in voting or closed events': `SELECT count(*) FROM votes v JOIN events e ON e.id = v.event_id
		WHERE e.phase NOT IN ('voting', 'closed')`,
	'every voter has ballot_saved_at': `SELECT count(*) FROM event_attendees a
		WHERE a.ballot_saved_at IS NULL
			AND EXISTS (SELECT 1 FROM votes v WHERE v.event_id = a.event_id AND v.voter_id = a.user_id)`,
	'votes by existing people': `SELECT count(*) FROM votes v WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = v.voter_id)`,
	'one project per owner per event': `SELECT count(*) FROM (
		SELECT 1 FROM projects GROUP BY event_id, owner_id HAVING count(*) > 1) AS d`,
	'project owners attend the event': `SELECT count(*) FROM projects p
		WHERE NOT EXISTS (SELECT 1 FROM event_attendees a WHERE a.event_id = p.event_id AND a.user_id = p.owner_id)`,
	'projects in existing events, owned by existing people': `SELECT count(*) FROM projects p
		WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.event_id)
			OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.owner_id)`,
	'no owner is also a collaborator': `SELECT count(*) FROM project_collaborators c JOIN projects p ON p.id = c.project_id
		WHERE p.owner_id = c.user_id`,
	'collaborators attend the event': `SELECT count(*) FROM project_collaborators c
		WHERE NOT EXISTS (SELECT 1 FROM projects p JOIN event_attendees a ON a.event_id = p.event_id AND a.user_id = c.user_id
			WHERE p.id = c.project_id)`,
	'attendances of existing people and events': `SELECT count(*) FROM event_attendees a
		WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id)
			OR NOT EXISTS (SELECT 1 FROM events e WHERE e.id = a.event_id)`,
	'events owned by existing people': `SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = e.owner_id)`,
	'one referral per attendee per event': `SELECT count(*) FROM (
		SELECT 1 FROM referrals WHERE user_id IS NOT NULL GROUP BY event_id, user_id HAVING count(*) > 1) AS d`,
	'referrals only by attendees': `SELECT count(*) FROM referrals r
		WHERE NOT EXISTS (SELECT 1 FROM event_attendees a WHERE a.event_id = r.event_id AND a.user_id = r.user_id)`,
	'audit rows of existing events and people': `SELECT count(*) FROM event_audit_log l
		WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = l.event_id)
			OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.actor_id)`,
	'platform audit rows of existing people and events': `SELECT count(*) FROM platform_audit_log l
		WHERE (l.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.actor_id))
			OR (l.target_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.target_user_id))
			OR (l.target_event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = l.target_event_id))`
};

/** The rules broken, with the number of rows breaking each (an empty object when all hold). */
export async function findBrokenRules(sql: Sql): Promise<Record<string, number>> {
	const broken: Record<string, number> = {};
	for (const [rule, query] of Object.entries(RULES)) {
		const [row] = await sql.query<{ count: number }>(`SELECT (${query})::int AS count`);
		if (row.count > 0) broken[rule] = row.count;
	}
	return broken;
}

export interface ScaleCounts {
	people: number;
	admins: number;
	events: number;
	eventsByPhase: Record<string, number>;
	deletedEvents: number;
	projects: number;
	collaborators: number;
	attendances: number;
	voters: number;
	votes: number;
	referrals: number;
	referralAnswers: number;
	eventAudit: number;
	platformAudit: number;
}

/** What the database holds. */
export async function countScaleData(sql: Sql): Promise<ScaleCounts> {
	const [row] = await sql.query<Omit<ScaleCounts, 'eventsByPhase'>>(`SELECT
		(SELECT count(*) FROM users)::int AS people,
		(SELECT count(*) FROM users WHERE platform_admin_since IS NOT NULL)::int AS admins,
		(SELECT count(*) FROM events)::int AS events,
		(SELECT count(*) FROM events WHERE deleted_at IS NOT NULL)::int AS "deletedEvents",
		(SELECT count(*) FROM projects)::int AS projects,
		(SELECT count(*) FROM project_collaborators)::int AS collaborators,
		(SELECT count(*) FROM event_attendees)::int AS attendances,
		(SELECT count(*) FROM event_attendees WHERE ballot_saved_at IS NOT NULL)::int AS voters,
		(SELECT count(*) FROM votes)::int AS votes,
		(SELECT count(*) FROM referrals)::int AS referrals,
		(SELECT count(DISTINCT content) FROM referrals)::int AS "referralAnswers",
		(SELECT count(*) FROM event_audit_log)::int AS "eventAudit",
		(SELECT count(*) FROM platform_audit_log)::int AS "platformAudit"`);
	const phases = await sql.query<{ phase: string; count: number }>(
		`SELECT phase::text AS phase, count(*)::int AS count FROM events GROUP BY phase ORDER BY phase`
	);
	return { ...row, eventsByPhase: Object.fromEntries(phases.map((p) => [p.phase, p.count])) };
}
