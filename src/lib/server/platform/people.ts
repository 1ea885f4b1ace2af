import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { isStorableText } from '../http/storable-text.ts';
import { isUuid } from '../ids.ts';
import { RuleViolation } from '../rules.ts';
import { whereVotesOf } from './votes-of.ts';
import { m } from '../../paraglide/messages.js';

// The people directory and one person's page in the app-wide admin area: reading only. The changes
// (email, sign-out, reveal, export) are in person-actions.ts, merging in merge.ts, deleting in deletion.ts.

/** How many people the directory shows at a time, and how long any list on a person's page gets. */
export const PEOPLE_PAGE_SIZE = 50;
export const PERSON_LIST_CAP = 100;

export type DeletedFilter = 'include' | 'exclude' | 'only';

/** A page of the directory: `after`/`before` are the email of the row the page starts after or ends before. */
export interface PeopleRequest {
	q?: string;
	deleted: DeletedFilter;
	after?: string;
	before?: string;
}

const DELETED: readonly DeletedFilter[] = ['include', 'exclude', 'only'];

/** Reads `?q=&deleted=&after=&before=`: anything odd falls back to the first page of everyone. */
export function readPeopleRequest(params: URLSearchParams): PeopleRequest {
	// The request boundary already refuses a NUL in the query string; this reader stands on its own too.
	const text = (name: string) => {
		const value = (params.get(name) ?? '').trim().slice(0, 200);
		return value && isStorableText(value) ? value : undefined;
	};
	const deleted = params.get('deleted') as DeletedFilter;
	const after = text('after');
	return {
		q: text('q'),
		deleted: DELETED.includes(deleted) ? deleted : 'include',
		after,
		before: after ? undefined : text('before')
	};
}

/** "Ada Lovelace", else the display name, else a placeholder: how admin pages name a person. */
export function personName(user: { displayName: string; firstName: string; lastName: string | null }) {
	return [user.firstName, user.lastName].filter(Boolean).join(' ') || user.displayName || '(no name yet)';
}

const rowSelect = {
	id: true,
	email: true,
	firstName: true,
	lastName: true,
	displayName: true,
	createdAt: true,
	platformAdminSince: true,
	deletedAt: true
} as const;

type PersonRow = {
	id: string;
	email: string;
	firstName: string;
	lastName: string | null;
	displayName: string;
	createdAt: Date;
	platformAdminSince: Date | null;
	deletedAt: Date | null;
};

function deletedWhere(deleted: DeletedFilter): Prisma.UserWhereInput {
	if (deleted === 'exclude') return { deletedAt: null };
	if (deleted === 'only') return { deletedAt: { not: null } };
	return {};
}

/** Everyone (or everyone deleted, or not): a walk along the unique email index, and a count. */
async function unfilteredPage(request: PeopleRequest, backwards: boolean, cursor: Prisma.UserWhereInput) {
	const where = deletedWhere(request.deleted);
	const [rows, total] = await Promise.all([
		db.user.findMany({
			where: { AND: [where, cursor] },
			select: rowSelect,
			orderBy: { email: backwards ? 'desc' : 'asc' },
			take: PEOPLE_PAGE_SIZE + 1
		}),
		db.user.count({ where })
	]);
	return { rows, total };
}

/**
 * People whose email or a name starts with `q`. The trigram indexes find the matches (a BitmapOr of four
 * index scans); they are then sorted, and counted, once. Left to itself the planner walks the email
 * index instead and filters, which reads most of the table when the matches sort late (248 ms for 1,111
 * matches of 100,000 people, against 1.4 ms this way): MATERIALIZED keeps it from doing so. The worst
 * case, a one-letter prefix that matches nearly everyone, is one pass over the table.
 */
async function filteredPage(request: PeopleRequest & { q: string }, backwards: boolean) {
	// A typed % or _ matches itself, not anything.
	const prefix = `${request.q.replace(/[\\%_]/g, '\\$&')}%`;
	const deleted =
		request.deleted === 'exclude'
			? Prisma.sql`AND deleted_at IS NULL`
			: request.deleted === 'only'
				? Prisma.sql`AND deleted_at IS NOT NULL`
				: Prisma.empty;
	const cursor = request.after
		? Prisma.sql`WHERE email > ${request.after}`
		: request.before
			? Prisma.sql`WHERE email < ${request.before}`
			: Prisma.empty;
	const order = backwards ? Prisma.sql`DESC` : Prisma.sql`ASC`;
	const [result] = await db.$queryRaw<
		{
			total: number;
			rows:
				| (Omit<PersonRow, 'createdAt' | 'platformAdminSince' | 'deletedAt'> &
						Record<'createdAt' | 'platformAdminSince' | 'deletedAt', string | null>)[]
				| null;
		}[]
	>`
		WITH matches AS MATERIALIZED (
			SELECT id, email, first_name, last_name, display_name, created_at, platform_admin_since, deleted_at
			FROM users
			WHERE (email LIKE ${prefix.toLowerCase()} OR first_name ILIKE ${prefix} OR last_name ILIKE ${prefix}
				OR display_name ILIKE ${prefix}) ${deleted}
		)
		SELECT (SELECT count(*)::int FROM matches) AS total,
			(SELECT json_agg(json_build_object('id', id, 'email', email, 'firstName', first_name,
					'lastName', last_name, 'displayName', display_name, 'createdAt', created_at,
					'platformAdminSince', platform_admin_since, 'deletedAt', deleted_at) ORDER BY email ${order})
				FROM (SELECT * FROM matches ${cursor} ORDER BY email ${order} LIMIT ${PEOPLE_PAGE_SIZE + 1}) AS page
			) AS rows`;
	const date = (value: string | null) => (value ? new Date(value) : null);
	const rows: PersonRow[] = (result.rows ?? []).map((row) => ({
		...row,
		createdAt: new Date(row.createdAt!),
		platformAdminSince: date(row.platformAdminSince),
		deletedAt: date(row.deletedAt)
	}));
	return { rows, total: result.total };
}

/**
 * A page of people in email order, filtered by the start of their email or a name, keyset-paged by
 * email (no OFFSET: the 2,000th page costs what the first does); with the count of matches.
 */
export async function listPeople(request: PeopleRequest) {
	const backwards = Boolean(request.before);
	const cursor = request.after
		? { email: { gt: request.after } }
		: request.before
			? { email: { lt: request.before } }
			: {};
	const { rows, total } = request.q
		? await filteredPage({ ...request, q: request.q }, backwards)
		: await unfilteredPage(request, backwards, cursor);
	const more = rows.length > PEOPLE_PAGE_SIZE;
	const page = rows.slice(0, PEOPLE_PAGE_SIZE);
	if (backwards) page.reverse();
	const people = page.map((user) => ({
		id: user.id,
		email: user.email,
		name: personName(user),
		createdAt: user.createdAt,
		isPlatformAdmin: user.platformAdminSince !== null,
		deletedAt: user.deletedAt
	}));
	return {
		people,
		total,
		// Going forwards there is a previous page whenever we started after someone; backwards, a next one.
		previous: (backwards ? more : Boolean(request.after)) ? people[0]?.email : undefined,
		next: (backwards ? true : more) ? people.at(-1)?.email : undefined
	};
}

const identitySelect = {
	id: true,
	email: true,
	firstName: true,
	lastName: true,
	displayName: true,
	createdAt: true,
	updatedAt: true,
	profileCompletedAt: true,
	platformAdminSince: true,
	deletedAt: true,
	airtableId: true
} as const;

const eventSelect = { id: true, name: true, slug: true, phase: true, deletedAt: true } as const;

/** The person with `id` (identity only, never private fields); a 404 RuleViolation for an unknown or malformed id. */
export async function findPerson(id: string) {
	const user = isUuid(id) ? await db.user.findUnique({ where: { id }, select: identitySelect }) : null;
	if (!user) throw new RuleViolation(m.people_nobody_with_id(), 404);
	return user;
}

/**
 * Everything a platform admin sees about one person, without the private fields (phone, address, birth
 * date: those need a revealed, audited request). Each list is capped at PERSON_LIST_CAP with its total;
 * a fixed number of queries whatever the person did.
 */
export async function describePerson(id: string) {
	const user = await findPerson(id);
	const take = PERSON_LIST_CAP;
	const [
		sessions,
		attending,
		attendingTotal,
		ownedEvents,
		ownedEventsTotal,
		owned,
		teams,
		ballots,
		referrals,
		audit
	] = await Promise.all([
		db.session.aggregate({ where: { userId: id }, _max: { createdAt: true }, _count: { _all: true } }),
		db.eventAttendee.findMany({
			where: { userId: id },
			select: { joinedAt: true, ballotSavedAt: true, event: { select: eventSelect } },
			orderBy: [{ joinedAt: 'desc' }, { eventId: 'asc' }],
			take
		}),
		db.eventAttendee.count({ where: { userId: id } }),
		db.event.findMany({
			where: { ownerId: id },
			select: { ...eventSelect, createdAt: true },
			orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
			take
		}),
		db.event.count({ where: { ownerId: id } }),
		db.project.findMany({
			where: { ownerId: id },
			select: { id: true, name: true, event: { select: eventSelect } },
			orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
			take
		}),
		db.projectCollaborator.findMany({
			where: { userId: id },
			select: {
				joinedAt: true,
				project: {
					select: {
						id: true,
						name: true,
						event: { select: eventSelect },
						owner: { select: { id: true, email: true, firstName: true, lastName: true, displayName: true } }
					}
				}
			},
			orderBy: [{ joinedAt: 'desc' }, { projectId: 'asc' }],
			take
		}),
		whereVotesOf(db, [id]).then((where) =>
			db.vote.groupBy({
				by: ['eventId'],
				where,
				_count: { _all: true },
				_max: { createdAt: true },
				orderBy: { _max: { createdAt: 'desc' } },
				take
			})
		),
		db.referral.findMany({
			where: { userId: id },
			select: { id: true, content: true, createdAt: true, event: { select: eventSelect } },
			orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
			take
		}),
		db.platformAuditLog.findMany({
			where: { targetUserId: id },
			select: { id: true, actorName: true, action: true, summary: true, createdAt: true },
			orderBy: { createdAt: 'desc' },
			take: 20
		})
	]);
	// The teammates of every project they own or share: one query for all of them.
	const projectIds = [...owned.map((p) => p.id), ...teams.map((t) => t.project.id)];
	const [members, ballotEvents, counts] = await Promise.all([
		db.projectCollaborator.findMany({
			where: { projectId: { in: projectIds } },
			select: {
				projectId: true,
				user: { select: { id: true, email: true, firstName: true, lastName: true, displayName: true } }
			},
			orderBy: { joinedAt: 'asc' }
		}),
		db.event.findMany({ where: { id: { in: ballots.map((b) => b.eventId) } }, select: eventSelect }),
		Promise.all([
			db.project.count({ where: { ownerId: id } }),
			db.projectCollaborator.count({ where: { userId: id } }),
			db.referral.count({ where: { userId: id } })
		])
	]);
	const teamOf = (projectId: string) =>
		members
			.filter((m) => m.projectId === projectId && m.user.id !== id)
			.map((m) => ({ id: m.user.id, name: personName(m.user), email: m.user.email }));
	const eventsById = new Map(ballotEvents.map((e) => [e.id, e]));
	return {
		person: {
			...user,
			name: personName(user),
			lastSignInAt: sessions._max.createdAt,
			activeSessions: sessions._count._all
		},
		attending: { rows: attending, total: attendingTotal },
		ownedEvents: { rows: ownedEvents, total: ownedEventsTotal },
		ownedProjects: {
			rows: owned.map((p) => ({ ...p, team: teamOf(p.id) })),
			total: counts[0]
		},
		teams: {
			rows: teams.map(({ joinedAt, project }) => ({
				joinedAt,
				id: project.id,
				name: project.name,
				event: project.event,
				owner: { id: project.owner.id, name: personName(project.owner), email: project.owner.email },
				team: teamOf(project.id)
			})),
			total: counts[1]
		},
		ballots: ballots.map((b) => ({
			event: eventsById.get(b.eventId)!,
			votes: b._count._all,
			lastVoteAt: b._max.createdAt
		})),
		referrals: { rows: referrals, total: counts[2] },
		audit
	};
}

export type PersonOverview = Awaited<ReturnType<typeof describePerson>>;
