import { db } from '../db.ts';

export interface ReferralGroup {
	/** The most common spelling of the answer in the group. */
	answer: string;
	count: number;
}

/**
 * The answers to "how did you hear about this event?", grouped regardless of case and spacing
 * ("Instagram", " instagram ", "INSTAGRAM" are one answer, as are "Hack  Club" and "hack club") and
 * counted, most frequent first.
 * One query: the database groups, however many answers there are.
 */
export async function listReferralGroups(
	eventId: string
): Promise<{ groups: ReferralGroup[]; total: number }> {
	const groups = await db.$queryRaw<ReferralGroup[]>`
		WITH answers AS (
			SELECT regexp_replace(regexp_replace(content, '^[[:space:]]+|[[:space:]]+$', '', 'g'),
			                      '[[:space:]]+', ' ', 'g') AS answer
			FROM referrals
			WHERE event_id = ${eventId}::uuid
		)
		SELECT mode() WITHIN GROUP (ORDER BY answer) AS answer, count(*)::int AS count
		FROM answers
		WHERE answer <> ''
		GROUP BY lower(answer)
		ORDER BY count(*) DESC, lower(answer)`;
	return { groups, total: groups.reduce((sum, group) => sum + group.count, 0) };
}
