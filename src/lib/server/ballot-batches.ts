import { batched } from './batches.ts';
import { db } from './db.ts';

/** One ballot, as cast_ballot takes it: the event by id or by slug. */
export interface BallotCall {
	voter: string;
	eventId: string | null;
	slug: string | null;
	picks: string[];
	device: string | null;
	seq: number | null;
	key: string | null;
	client: string | null;
}

/** cast_ballot's answer for one ballot. */
export interface BallotRow {
	outcome: string;
	ballot_event: string | null;
	vote_limit: number;
	saved_picks: string[];
	saved_at: Date;
}

/**
 * Casts one ballot, with the ballots that arrive at the same time (batches.ts): up to 50 in one call of
 * cast_ballots, one transaction, so one commit and one wait for the log's flush for them all
 * (prisma/migrations/20261130090000_batches). A ballot is answered once its call has committed.
 * Two calls at once keep the database busy while the next batch gathers; one or four did no better.
 */
export const castInBatch = batched<BallotCall, BallotRow>({
	name: 'cast_ballot',
	atOnce: 2,
	most: 50,
	alone: async (call) => {
		const [row] = await db.$queryRaw<BallotRow[]>`
			SELECT outcome, ballot_event, vote_limit, saved_picks, saved_at
			FROM cast_ballot(${call.voter}::uuid, ${call.eventId}::uuid, ${call.slug}::text, ${call.picks}::uuid[],
				${call.device}::uuid, ${call.seq}::bigint, ${call.key}::uuid, ${call.client}::text)`;
		return row;
	},
	key: lockOrder,
	together: async (calls) => {
		// By event, then voter, so that two calls lock attendance rows in the same order; a voter's
		// ballots stay in the order they came.
		const keys = calls.map(lockOrder);
		const order = calls
			.map((_, i) => i)
			.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
		const rows = await db.$queryRaw<(BallotRow & { ballot: number })[]>`
			SELECT ballot, outcome, ballot_event, vote_limit, saved_picks, saved_at
			FROM cast_ballots(${JSON.stringify(order.map((i) => asJson(calls[i])))}::jsonb)`;
		const answers: (BallotRow | undefined)[] = calls.map(() => undefined);
		for (const { ballot, ...row } of rows) answers[order[ballot - 1]] = row;
		// cast_ballot answers every ballot. If one ever had no row, the shorter list makes batched() fail
		// the whole call rather than answer that ballot with nothing.
		return answers.filter((answer) => answer !== undefined);
	}
});

// A ballot's event and voter, in the order its batch takes their locks. A space sorts before every
// character of ids and of events' slugs (slugify), so these strings sort as (event, voter) pairs. An
// event named by id in one ballot and by slug in another sorts apart: two such calls could still wait
// for each other, which PostgreSQL ends by failing one of them, whose ballots are then cast alone. The
// ballot page always names the event by its slug.
function lockOrder(call: BallotCall): string {
	return `${call.eventId ?? call.slug} ${call.voter}`;
}

function asJson(call: BallotCall) {
	return {
		voter: call.voter,
		event_id: call.eventId,
		slug: call.slug,
		picks: call.picks,
		device: call.device,
		seq: call.seq,
		key: call.key,
		client: call.client
	};
}
