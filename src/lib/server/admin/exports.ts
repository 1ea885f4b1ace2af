import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { rankProjects } from '../leaderboard.ts';
import { toCsv, type CsvExport } from './csv.ts';

// The downloads are read in keyset batches, each one SQL join, and streamed as they arrive
// (csvStreamResponse): the app's memory does not grow with the event, and no statement lists ids. The
// database writes each batch's lines itself (csv_cell(), a migration) and sends them as one string: the
// app handles one value per batch instead of objects for every row and cell, so fifty downloads at once
// cost a fraction of the memory and time (BENCHMARKS.md, issue #12).
const EXPORT_BATCH = 1_000;

/** One batch as the database sends it: its lines, how many rows it read, and where the next begins. */
interface LinesBatch {
	text: string | null;
	rows: number;
	// The last row's keys (its time and its id), as the database writes them and reads them back.
	last: [at: string, id: string] | null;
}

interface After {
	at: string;
	id: string;
}

/** The lines of every batch in turn, each batch read after the last row of the one before. */
async function* keysetLines(
	readBatch: (after: After | undefined) => Promise<LinesBatch[]>,
	batchSize: number
): AsyncGenerator<string> {
	let after: After | undefined;
	for (;;) {
		const [batch] = await readBatch(after);
		if (batch.text) yield batch.text;
		if (batch.rows < batchSize || !batch.last) return;
		after = { at: batch.last[0], id: batch.last[1] };
	}
}

// The zones this database can convert to, by name. The event's zone comes from the JavaScript runtime's
// list, and an embedded or older database may not know a zone added to the world's list recently.
const zonesKnown = new Map<string, boolean>();

/**
 * The time zone a download gives its times in: the event's, or UTC when the database does not know that
 * zone. The file's header names the zone used.
 */
export async function downloadTimeZone(timeZone: string): Promise<string> {
	if (timeZone === 'UTC') return timeZone;
	let known = zonesKnown.get(timeZone);
	if (known === undefined) {
		const [row] = await db.$queryRaw<{ known: boolean }[]>`
			SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE "name" = ${timeZone}) AS "known"`;
		known = row.known;
		zonesKnown.set(timeZone, known);
	}
	return known ? timeZone : 'UTC';
}

/** A time as spreadsheets read it, as formatCsvDate() writes UTC ones: "2025-03-01 14:05:09" in the zone. */
function csvTime(column: Prisma.Sql, timeZone: string) {
	return Prisma.sql`to_char(${column} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD HH24:MI:SS')`;
}

/** The attendees file's header; its times are in the event's time zone, named in the header. */
export function attendeesCsvHeader(timeZone = 'UTC') {
	return ['First name', 'Last name', 'Display name', 'Email', `Joined at (${timeZone})`, 'Votes cast'];
}
export const ATTENDEES_CSV_HEADER = attendeesCsvHeader();

/**
 * The attendees' CSV lines, in batches, in the order they joined: names, email, when they joined and
 * how many votes they cast. Never address, phone or birth date: those stay with the person. The time
 * zone must be one the database knows (downloadTimeZone).
 */
export function exportAttendeesCsv(
	eventId: string,
	{ batchSize = EXPORT_BATCH, timeZone = 'UTC' } = {}
): CsvExport<string> {
	// The event's attendances first (its primary key), then sorted: left to itself the planner walks the
	// joined_at index of every event's attendances.
	const batches = keysetLines(
		(after) => db.$queryRaw`
			WITH a AS MATERIALIZED (
				SELECT "event_id", "user_id", "joined_at" FROM "event_attendees"
				WHERE "event_id" = ${eventId}::uuid
					${after ? Prisma.sql`AND ("joined_at", "user_id") > (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
			), batch AS (SELECT * FROM a ORDER BY "joined_at", "user_id" LIMIT ${batchSize})
			SELECT (SELECT count(*)::int FROM batch) AS "rows",
				(SELECT ARRAY["joined_at"::text, "user_id"::text] FROM batch
					ORDER BY "joined_at" DESC, "user_id" DESC LIMIT 1) AS "last",
				(SELECT string_agg(
					csv_cell(u."first_name") || ',' || csv_cell(u."last_name") || ',' || csv_cell(u."display_name")
						|| ',' || csv_cell(u."email") || ',' || ${csvTime(Prisma.sql`b."joined_at"`, timeZone)}
						|| ',' || (SELECT count(*) FROM "votes" v WHERE v."event_id" = b."event_id" AND v."voter_id" = b."user_id")
						|| E'\\r\\n',
					'' ORDER BY b."joined_at", b."user_id")
				FROM batch b JOIN "users" u ON u."id" = b."user_id") AS "text"`,
		batchSize
	);
	// The time zone is in the header, which the sharing keys on too.
	return { batches, sharedAs: `attendees ${eventId}` };
}

/** The votes file's header; its times are in the event's time zone, named in the header. */
export function votesCsvHeader(timeZone = 'UTC') {
	return [`Voted at (${timeZone})`, 'Voter', 'Voter email', 'Project', 'Project id'];
}
export const VOTES_CSV_HEADER = votesCsvHeader();

/**
 * Every vote of the event as CSV lines, in batches, newest first: when, who, for which project. The
 * time zone must be one the database knows (downloadTimeZone).
 */
export function exportVotesCsv(
	eventId: string,
	{ batchSize = EXPORT_BATCH, timeZone = 'UTC' } = {}
): CsvExport<string> {
	// A range of votes_event_id_created_at_id_idx per batch; the first condition bounds the range, the
	// second skips the votes of the same instant already sent.
	const batches = keysetLines(
		(after) => db.$queryRaw`
			WITH batch AS (
				SELECT "id", "created_at", "voter_id", "project_id" FROM "votes"
				WHERE "event_id" = ${eventId}::uuid
					${after ? Prisma.sql`AND "created_at" <= ${after.at}::timestamptz AND ("created_at" < ${after.at}::timestamptz OR "id" > ${after.id}::uuid)` : Prisma.empty}
				ORDER BY "created_at" DESC, "id"
				LIMIT ${batchSize}
			)
			SELECT (SELECT count(*)::int FROM batch) AS "rows",
				(SELECT ARRAY["created_at"::text, "id"::text] FROM batch
					ORDER BY "created_at", "id" DESC LIMIT 1) AS "last",
				(SELECT string_agg(
					${csvTime(Prisma.sql`v."created_at"`, timeZone)} || ',' || csv_cell(u."display_name")
						|| ',' || csv_cell(u."email") || ',' || csv_cell(p."name") || ',' || p."id"::text || E'\\r\\n',
					'' ORDER BY v."created_at" DESC, v."id")
				FROM batch v
					JOIN "users" u ON u."id" = v."voter_id"
					JOIN "projects" p ON p."id" = v."project_id" AND p."event_id" = ${eventId}::uuid) AS "text"`,
		batchSize
	);
	return { batches, sharedAs: `votes ${eventId}` };
}

/** The ranking as CSV: rank (equal scores share one), project, team, votes, imported points, score. */
export async function exportResultsCsv(eventId: string): Promise<string> {
	const ranking = await rankProjects(eventId);
	return toCsv(
		['Rank', 'Project', 'Team', 'Votes', 'Imported points', 'Score', 'Project id'],
		ranking.map((p) => [p.rank, p.name, p.team.join(', '), p.votes, p.legacyPoints, p.score, p.id])
	);
}
