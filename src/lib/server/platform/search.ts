import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../ids.ts';
import { normalizeJoinCode } from '../join-codes.ts';

/** How many results of each kind the search shows. */
export const SEARCH_LIMIT = 20;
/** Counts stop here ("1,000+"): counting every "a" among 100,000 people would cost more than it tells. */
export const COUNT_CAP = 1_000;
const MAX_WORDS = 5;

/** Results of one kind: the first SEARCH_LIMIT rows and how many match (capped at COUNT_CAP). */
export interface SearchGroup<T> {
	rows: T[];
	count: number;
	/** The count reached COUNT_CAP: there may be more. */
	capped: boolean;
}

export interface PersonResult {
	id: string;
	email: string;
	name: string;
	displayName: string;
	deleted: boolean;
}
export interface EventResult {
	id: string;
	name: string;
	slug: string;
	joinCode: string;
	ownerEmail: string;
	deleted: boolean;
}
export interface ProjectResult {
	id: string;
	name: string;
	joinCode: string;
	eventId: string;
	eventName: string;
	eventDeleted: boolean;
}

export interface SearchResults {
	q: string;
	people: SearchGroup<PersonResult>;
	events: SearchGroup<EventResult>;
	projects: SearchGroup<ProjectResult>;
}

const empty = <T>(): SearchGroup<T> => ({ rows: [], count: 0, capped: false });

// Escapes LIKE's wildcards so that a typed "%" or "_" matches itself.
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The LIKE pattern of one typed word: "contains" from three characters (the trigram indexes answer it),
 * "starts with" below that, where a trigram index can still answer but "contains" could not.
 */
function patternOf(word: string): string {
	return word.length >= 3 ? `%${literal(word)}%` : `${literal(word)}%`;
}

type Row = Record<string, unknown>;

// The first rows in `order` and a capped count of every row matching `where`, from `from`.
async function group(select: Prisma.Sql, from: Prisma.Sql, where: Prisma.Sql, order: Prisma.Sql) {
	const [rows, counted] = await Promise.all([
		db.$queryRaw<Row[]>`SELECT ${select} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${SEARCH_LIMIT}`,
		db.$queryRaw<{ n: number }[]>`
			SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${COUNT_CAP}) AS hits`
	]);
	return { rows, count: counted[0].n, capped: counted[0].n >= COUNT_CAP };
}

const personSelect = Prisma.sql`u.id::text, u.email, u.first_name, u.last_name, u.display_name, u.deleted_at`;
const eventSelect = Prisma.sql`e.id::text, e.name, e.slug, e.join_code, o.email AS owner_email, e.deleted_at`;
const projectSelect = Prisma.sql`p.id::text, p.name, p.join_code, p.event_id::text, e.name AS event_name,
	e.deleted_at AS event_deleted_at`;
const eventFrom = Prisma.sql`events e JOIN users o ON o.id = e.owner_id`;
const projectFrom = Prisma.sql`projects p JOIN events e ON e.id = p.event_id`;

function toPerson(row: Row): PersonResult {
	return {
		id: row.id as string,
		email: row.email as string,
		name: [row.first_name, row.last_name].filter(Boolean).join(' '),
		displayName: row.display_name as string,
		deleted: row.deleted_at !== null
	};
}
function toEvent(row: Row): EventResult {
	return {
		id: row.id as string,
		name: row.name as string,
		slug: row.slug as string,
		joinCode: row.join_code as string,
		ownerEmail: row.owner_email as string,
		deleted: row.deleted_at !== null
	};
}
function toProject(row: Row): ProjectResult {
	return {
		id: row.id as string,
		name: row.name as string,
		joinCode: row.join_code as string,
		eventId: row.event_id as string,
		eventName: row.event_name as string,
		eventDeleted: row.event_deleted_at !== null
	};
}

async function searchById(id: string) {
	const [people, events, projects] = await Promise.all([
		group(personSelect, Prisma.sql`users u`, Prisma.sql`u.id = ${id}::uuid`, Prisma.sql`u.id`),
		group(eventSelect, eventFrom, Prisma.sql`e.id = ${id}::uuid`, Prisma.sql`e.id`),
		group(projectSelect, projectFrom, Prisma.sql`p.id = ${id}::uuid`, Prisma.sql`p.id`)
	]);
	return { people, events, projects };
}

async function searchByText(q: string) {
	const words = q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, MAX_WORDS);
	const phrase = patternOf(q.toLowerCase());
	// People: every word is found in the email or one of the names ("ada love" finds Ada Lovelace).
	const personWhere = Prisma.join(
		words.map((word) => {
			const p = patternOf(word);
			return Prisma.sql`(u.email ILIKE ${p} OR u.first_name ILIKE ${p} OR u.last_name ILIKE ${p}
				OR u.display_name ILIKE ${p})`;
		}),
		' AND '
	);
	const code = normalizeJoinCode(q);
	const [exactPerson, people, events, projects] = await Promise.all([
		db.$queryRaw<Row[]>`SELECT ${personSelect} FROM users u WHERE u.email = ${q.toLowerCase()}`,
		// In email order, so that for a common word ("gmail") PostgreSQL walks the email index and stops
		// after SEARCH_LIMIT rows rather than sorting thousands; a rare word uses the trigram index.
		group(personSelect, Prisma.sql`users u`, personWhere, Prisma.sql`u.email`),
		group(
			eventSelect,
			eventFrom,
			Prisma.sql`(e.name ILIKE ${phrase} OR e.slug ILIKE ${phrase} OR e.join_code = ${code})`,
			Prisma.sql`(e.join_code = ${code}) DESC, e.created_at DESC, e.id`
		),
		group(
			projectSelect,
			projectFrom,
			Prisma.sql`(p.name ILIKE ${phrase} OR p.join_code = ${code})`,
			Prisma.sql`(p.join_code = ${code}) DESC, p.created_at DESC, p.id`
		)
	]);
	// The person with exactly that email comes first, wherever it sorts.
	const exact = exactPerson[0];
	if (exact)
		people.rows = [exact, ...people.rows.filter((row) => row.id !== exact.id)].slice(0, SEARCH_LIMIT);
	return { people, events, projects };
}

/**
 * The search box of the platform admin: people by email or name, events by name, slug or join code,
 * projects by name or join code, and any of them by id (a UUID). Soft-deleted events and deleted people
 * are included, marked. Each kind is capped at SEARCH_LIMIT rows, with its count.
 */
export async function searchEverything(text: string): Promise<SearchResults> {
	const q = text.trim().slice(0, 200);
	if (!q) return { q, people: empty(), events: empty(), projects: empty() };
	const found = isUuid(q) ? await searchById(q.toLowerCase()) : await searchByText(q);
	return {
		q,
		people: { ...found.people, rows: found.people.rows.map(toPerson) },
		events: { ...found.events, rows: found.events.rows.map(toEvent) },
		projects: { ...found.projects, rows: found.projects.rows.map(toProject) }
	};
}
