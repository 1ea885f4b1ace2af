import { db } from '../db.ts';
import { pageOf } from '../projects.ts';
import { designRow } from './ballot-design.ts';

// Which projects a voter's ballot shows, in which order, and the record of it (ballot_impressions).
// The first time a voter opens the ballot they get the next row of the event's balanced design
// (ballot-design.ts) and, in an event above the owner's shortlist threshold, a shortlist of the projects
// seen least so far. What the ballot shows is recorded at once, one row per project at the position where
// it was first shown; later visits list the recorded projects in that order, so the order stays the same
// for the voter on every visit and device even if the event's projects change.
// A large ballot comes in pages (`perPage` cards): only the page shown is recorded, and the pages open in
// turn (one past those already shown at most), so the recorded projects stay the start of the order.

/** What arrangeBallot decided: the page's project ids, in order, which page of how many, and the shortlist. */
export interface BallotArrangement {
	order: string[];
	pages: { page: number; count: number };
	shortlist: { size: number; full: boolean } | null;
}

/**
 * Hands the voter the next design row of the event (and a shortlist size, if the event is above its
 * owner's threshold) in one statement: the event's ballot_designs row is locked only while it runs, so
 * concurrent first openings get distinct rows without holding a connection or a lock across round trips.
 * Nothing if another opening by the same voter got there first (the counter then skips a row).
 */
async function assignBallot(eventId: string, voterId: string, projectCount: number, eligibleCount: number) {
	await db.$executeRaw`
		WITH design AS (
			INSERT INTO ballot_designs AS d (event_id, rows_assigned) VALUES (${eventId}::uuid, 1)
			ON CONFLICT (event_id) DO UPDATE SET rows_assigned = d.rows_assigned + 1
			RETURNING d.rows_assigned - 1 AS k, d.shortlist_threshold, d.shortlist_size)
		INSERT INTO ballot_assignments (event_id, voter_id, design_row, shortlist_size)
		SELECT ${eventId}::uuid, ${voterId}::uuid, design.k,
			CASE WHEN design.shortlist_threshold IS NOT NULL AND ${projectCount}::int > design.shortlist_threshold
				AND ${eligibleCount}::int > design.shortlist_size THEN design.shortlist_size END
		FROM design
		ON CONFLICT (event_id, voter_id) DO NOTHING`;
}

/**
 * Chooses and records the voter's shortlist in the database function choose_shortlist (see its
 * migration): shortlists of one event are chosen one at a time, each from the counts all earlier ones
 * left; a second tab of the same voter gets the same shortlist.
 */
function recordShortlist(eventId: string, voterId: string, row: string[], size: number) {
	return db.$queryRaw<{ projectId: string; position: number }[]>`
		SELECT project_id AS "projectId", position
		FROM choose_shortlist(${eventId}::uuid, ${voterId}::uuid, ${row}::uuid[], ${size}::int)`;
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
 * One page of the voter's ballot order: the projects they may vote for (`eligibleIds`, of the event's
 * `allIds`), as the balanced design and their shortlist (unless `full`) give it, with their `picks` always
 * in it. Records every project the page shows for the first time (ballot_impressions).
 */
export async function arrangeBallot(input: {
	eventId: string;
	voterId: string;
	allIds: string[];
	eligibleIds: string[];
	picks: string[];
	full: boolean;
	page?: number;
	perPage?: number;
}): Promise<BallotArrangement> {
	const { eventId, voterId, allIds, picks, full, page = 1, perPage = Infinity } = input;
	const eligible = new Set(input.eligibleIds);
	let record = await readBallotRecord(eventId, voterId);
	if (!record.assignment) {
		await assignBallot(eventId, voterId, allIds.length, eligible.size);
		record = await readBallotRecord(eventId, voterId);
	}
	const assignment = record.assignment!;
	const row = designRow(
		eventId,
		allIds.map((id) => ({ id })),
		assignment.designRow
	)
		.map((p) => p.id)
		.filter((id) => eligible.has(id));
	let impressions = record.impressions.filter((i) => eligible.has(i.projectId));
	const shortlistSize = assignment.shortlistSize;
	if (shortlistSize !== null && record.impressions.length === 0) {
		impressions = await recordShortlist(eventId, voterId, row, shortlistSize);
	}
	const shortlist = shortlistSize === null ? null : { size: shortlistSize, full };

	if (shortlistSize !== null && !full) {
		// The shortlist, then any pick made from the full list: unticking it must stay possible.
		const order = impressions.filter((i) => i.position <= shortlistSize).map((i) => i.projectId);
		const listed = new Set(order);
		const rest = impressions.map((i) => i.projectId).filter((id) => !listed.has(id) && picks.includes(id));
		// Picks with no impression (made before ballots were recorded) are shown now, so recorded now.
		const unrecorded = picks.filter((id) => eligible.has(id) && !listed.has(id) && !rest.includes(id));
		await recordShown(eventId, voterId, unrecorded, impressions);
		const { ids, pages } = pageOf([...order, ...rest, ...unrecorded], page, perPage);
		return { order: ids, pages, shortlist };
	}

	// The full list: what was shown before, in its order, then the rest in the voter's design row.
	const shownBefore = new Set(impressions.map((i) => i.projectId));
	const unseen = row.filter((id) => !shownBefore.has(id));
	const reachable = Math.floor(shownBefore.size / perPage) + 1;
	const { ids, pages } = pageOf(
		[...impressions.map((i) => i.projectId), ...unseen],
		page,
		perPage,
		reachable
	);
	await recordShown(
		eventId,
		voterId,
		ids.filter((id) => !shownBefore.has(id)),
		impressions
	);
	return { order: ids, pages, shortlist };
}
