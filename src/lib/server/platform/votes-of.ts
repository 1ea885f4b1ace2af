import type { Prisma } from '../generated/prisma/client.ts';

type Client = Pick<Prisma.TransactionClient, '$queryRaw'>;

/**
 * Where to find the votes of `voterIds` in every event: for the few views of a person's votes across
 * events (their page, their export, a merge). No index on votes starts with the voter (schema.prisma,
 * model Vote), so they are looked for in the events the people attend and in those they left while their
 * votes stayed (former_attendees, kept by a trigger), through the index on (event_id, voter_id).
 */
export async function whereVotesOf(client: Client, voterIds: string[]): Promise<Prisma.VoteWhereInput> {
	const events = await client.$queryRaw<{ id: string }[]>`
		SELECT "event_id" AS id FROM "event_attendees" WHERE "user_id" = ANY(${voterIds}::uuid[])
		UNION
		SELECT "event_id" FROM "former_attendees" WHERE "user_id" = ANY(${voterIds}::uuid[])`;
	return { voterId: { in: voterIds }, eventId: { in: events.map((e) => e.id) } };
}
