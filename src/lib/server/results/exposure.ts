import { db } from '../db.ts';
import { chooseShortlist, designRow } from './ballot-design.ts';

// Which projects a voter's ballot shows, in which order, and the record of it (ballot_impressions).
// The first time a voter opens the ballot they get the next row of the event's balanced design
// (ballot-design.ts) and, in an event above the owner's shortlist threshold, a shortlist of the projects
// seen least so far. What the ballot shows is recorded at once, one row per project at the position where
// it was first shown; later visits list the recorded projects in that order, so the order stays the same
// for the voter on every visit and device even if the event's projects change.

/** What arrangeBallot decided: the project ids to show, in order, and the voter's shortlist if any. */
export interface BallotArrangement {
	order: string[];
	shortlist: { size: number; full: boolean } | null;
}

interface Assignment {
	designRow: number;
	shortlistSize: number | null;
}

/** A concurrent first opening by the same voter won: this one's transaction is rolled back. */
class AlreadyAssigned extends Error {}

/**
 * Hands the voter the next design row of the event and records what their first ballot shows; null if
 * another opening by the same voter got there first. The event's ballot_designs row stays locked until
 * commit: first openings of one event run one at a time, so each shortlist is chosen from the counts
 * that every earlier one left (later visits and casting a ballot do not take this lock).
 */
async function assignBallot(eventId: string, voterId: string, allIds: string[], eligible: Set<string>) {
	try {
		return await db.$transaction(async (tx) => {
			const [design] = await tx.$queryRaw<
				{ k: number; shortlist_threshold: number | null; shortlist_size: number }[]
			>`
				INSERT INTO ballot_designs AS d (event_id, rows_assigned) VALUES (${eventId}::uuid, 1)
				ON CONFLICT (event_id) DO UPDATE SET rows_assigned = d.rows_assigned + 1
				RETURNING d.rows_assigned - 1 AS k, d.shortlist_threshold, d.shortlist_size`;
			const row = designRow(
				eventId,
				allIds.map((id) => ({ id })),
				design.k
			)
				.map((p) => p.id)
				.filter((id) => eligible.has(id));
			const short =
				design.shortlist_threshold !== null &&
				allIds.length > design.shortlist_threshold &&
				row.length > design.shortlist_size;
			const inserted = await tx.$executeRaw`
				INSERT INTO ballot_assignments (event_id, voter_id, design_row, shortlist_size)
				VALUES (${eventId}::uuid, ${voterId}::uuid, ${design.k}, ${short ? design.shortlist_size : null}::int)
				ON CONFLICT (event_id, voter_id) DO NOTHING`;
			if (inserted === 0) throw new AlreadyAssigned();
			let shown = row;
			if (short) {
				const counts = await tx.$queryRaw<{ project_id: string; n: number }[]>`
					SELECT project_id, count(*)::int AS n FROM ballot_impressions
					WHERE event_id = ${eventId}::uuid GROUP BY project_id`;
				const seen = new Map(counts.map((c) => [c.project_id, c.n]));
				shown = chooseShortlist(row, seen, design.shortlist_size);
			}
			await tx.ballotImpression.createMany({
				data: shown.map((projectId, index) => ({ eventId, voterId, projectId, position: index + 1 })),
				skipDuplicates: true
			});
			return {
				assignment: { designRow: design.k, shortlistSize: short ? design.shortlist_size : null },
				impressions: shown.map((projectId, index) => ({ projectId, position: index + 1 }))
			};
		});
	} catch (error) {
		if (error instanceof AlreadyAssigned) return null;
		throw error;
	}
}

async function readBallotRecord(eventId: string, voterId: string) {
	const [assignment, impressions] = await Promise.all([
		db.ballotAssignment.findUnique({
			where: { eventId_voterId: { eventId, voterId } },
			select: { designRow: true, shortlistSize: true }
		}),
		db.ballotImpression.findMany({
			where: { eventId, voterId },
			select: { projectId: true, position: true },
			orderBy: [{ position: 'asc' }, { projectId: 'asc' }]
		})
	]);
	return { assignment, impressions };
}

/** Records `ids` as shown to the voter, after the positions already recorded. */
async function recordShown(
	eventId: string,
	voterId: string,
	ids: string[],
	recorded: { position: number }[]
): Promise<void> {
	if (ids.length === 0) return;
	const last = recorded.reduce((max, i) => Math.max(max, i.position), 0);
	// A concurrent visit of the same voter may record some first: theirs stands (first showing wins).
	await db.ballotImpression.createMany({
		data: ids.map((projectId, index) => ({ eventId, voterId, projectId, position: last + index + 1 })),
		skipDuplicates: true
	});
}

/**
 * The voter's ballot order: the projects they may vote for (`eligibleIds`, of the event's `allIds`), as
 * the balanced design and their shortlist (unless `full`) give it, with their `picks` always shown.
 * Records every project shown for the first time (ballot_impressions).
 */
export async function arrangeBallot(input: {
	eventId: string;
	voterId: string;
	allIds: string[];
	eligibleIds: string[];
	picks: string[];
	full: boolean;
}): Promise<BallotArrangement> {
	const { eventId, voterId, allIds, picks, full } = input;
	const eligible = new Set(input.eligibleIds);
	let record: { assignment: Assignment | null; impressions: { projectId: string; position: number }[] } =
		await readBallotRecord(eventId, voterId);
	if (!record.assignment) {
		record =
			(await assignBallot(eventId, voterId, allIds, eligible)) ?? (await readBallotRecord(eventId, voterId));
	}
	const assignment = record.assignment!;
	const impressions = record.impressions.filter((i) => eligible.has(i.projectId));
	const shortlistSize = assignment.shortlistSize;
	const shortlist = shortlistSize === null ? null : { size: shortlistSize, full };

	if (shortlistSize !== null && !full) {
		// The shortlist, then any pick made from the full list: unticking it must stay possible.
		const order = impressions.filter((i) => i.position <= shortlistSize).map((i) => i.projectId);
		const listed = new Set(order);
		const rest = impressions.map((i) => i.projectId).filter((id) => !listed.has(id) && picks.includes(id));
		// Picks with no impression (made before ballots were recorded) are shown now, so recorded now.
		const unrecorded = picks.filter((id) => eligible.has(id) && !listed.has(id) && !rest.includes(id));
		await recordShown(eventId, voterId, unrecorded, impressions);
		return { order: [...order, ...rest, ...unrecorded], shortlist };
	}

	// The full list: what was shown before, in its order, then the rest in the voter's design row.
	const shownBefore = new Set(impressions.map((i) => i.projectId));
	const row = designRow(
		eventId,
		allIds.map((id) => ({ id })),
		assignment.designRow
	).map((p) => p.id);
	const unseen = row.filter((id) => eligible.has(id) && !shownBefore.has(id));
	await recordShown(eventId, voterId, unseen, impressions);
	return { order: [...impressions.map((i) => i.projectId), ...unseen], shortlist };
}
