import { db } from '../db.ts';
import { pageOf, type PageRequest } from './paging.ts';

/** A page of the event's votes, newest first: who voted for what, and when. */
export async function listVotes(eventId: string, request: PageRequest) {
	const where = { eventId };
	const total = await db.vote.count({ where });
	const page = pageOf(request, total);
	const votes = await db.vote.findMany({
		where,
		select: {
			id: true,
			createdAt: true,
			voter: { select: { id: true, displayName: true, email: true } },
			project: { select: { id: true, name: true } }
		},
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
		skip: page.skip,
		take: page.take
	});
	return { votes, ...page.info };
}
