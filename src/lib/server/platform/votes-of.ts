import type { Prisma } from '../generated/prisma/client.ts';

type Client = Pick<Prisma.TransactionClient, '$queryRaw'>;

/**
 * Where to find the votes of `voterIds` in every event: for the few views of a person's votes across
 * events (their page, their export, a merge). No index on votes starts with the voter (schema.prisma,
 * model Vote), so those votes are found event by event, through the index on (event_id, voter_id): one
 * look per event, milliseconds for thousands of events, instead of reading every vote. Votes kept after
 * their voter left an event are found too, which the person's attendances alone would miss.
 */
export async function whereVotesOf(client: Client, voterIds: string[]): Promise<Prisma.VoteWhereInput> {
	const events = await client.$queryRaw<{ id: string }[]>`
		SELECT e."id" FROM "events" e CROSS JOIN LATERAL (
			SELECT 1 FROM "votes" v WHERE v."event_id" = e."id" AND v."voter_id" = ANY(${voterIds}::uuid[]) LIMIT 1
		) AS voted`;
	return { voterId: { in: voterIds }, eventId: { in: events.map((e) => e.id) } };
}
