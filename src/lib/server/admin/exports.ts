import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { rankProjects } from '../leaderboard.ts';
import { formatCsvDate, toCsv, type CsvCell } from './csv.ts';

// The downloads are read in keyset batches, each one SQL join, and streamed as they arrive
// (csvStreamResponse): the app's memory does not grow with the event, and no statement lists ids.
const EXPORT_BATCH = 1_000;

/** The attendees file's header; its times are in the event's time zone, named in the header. */
export function attendeesCsvHeader(timeZone = 'UTC') {
	return ['First name', 'Last name', 'Display name', 'Email', `Joined at (${timeZone})`, 'Votes cast'];
}
export const ATTENDEES_CSV_HEADER = attendeesCsvHeader();

interface AttendeeRow {
	firstName: string;
	lastName: string | null;
	displayName: string;
	email: string;
	joinedAt: Date;
	userId: string;
	votes: number;
}

/**
 * The attendees as CSV rows, in batches, in the order they joined: names, email, when they joined and
 * how many votes they cast. Never address, phone or birth date: those stay with the person.
 */
export async function* exportAttendeesCsv(
	eventId: string,
	{ batchSize = EXPORT_BATCH, timeZone = 'UTC' } = {}
): AsyncGenerator<CsvCell[][]> {
	let after: AttendeeRow | undefined;
	for (;;) {
		// The event's attendances first (its primary key), then sorted: left to itself the planner walks
		// the joined_at index of every event's attendances.
		const rows: AttendeeRow[] = await db.$queryRaw`
			WITH a AS MATERIALIZED (
				SELECT "event_id", "user_id", "joined_at" FROM "event_attendees"
				WHERE "event_id" = ${eventId}::uuid
					${after ? Prisma.sql`AND ("joined_at", "user_id") > (${after.joinedAt.toISOString()}::timestamptz, ${after.userId}::uuid)` : Prisma.empty}
			), batch AS (SELECT * FROM a ORDER BY "joined_at", "user_id" LIMIT ${batchSize})
			SELECT u."first_name" AS "firstName", u."last_name" AS "lastName", u."display_name" AS "displayName",
				u."email", b."joined_at" AS "joinedAt", b."user_id"::text AS "userId",
				(SELECT count(*)::int FROM "votes" v WHERE v."event_id" = b."event_id" AND v."voter_id" = b."user_id") AS "votes"
			FROM batch b JOIN "users" u ON u."id" = b."user_id"
			ORDER BY b."joined_at", b."user_id"`;
		yield rows.map((r) => [
			r.firstName,
			r.lastName,
			r.displayName,
			r.email,
			formatCsvDate(r.joinedAt, timeZone),
			r.votes
		]);
		if (rows.length < batchSize) return;
		after = rows[rows.length - 1];
	}
}

/** The votes file's header; its times are in the event's time zone, named in the header. */
export function votesCsvHeader(timeZone = 'UTC') {
	return [`Voted at (${timeZone})`, 'Voter', 'Voter email', 'Project', 'Project id'];
}
export const VOTES_CSV_HEADER = votesCsvHeader();

interface VoteRow {
	id: string;
	createdAt: Date;
	voterName: string;
	voterEmail: string;
	projectName: string;
	projectId: string;
}

/** Every vote of the event as CSV rows, in batches, newest first: when, who, for which project. */
export async function* exportVotesCsv(
	eventId: string,
	{ batchSize = EXPORT_BATCH, timeZone = 'UTC' } = {}
): AsyncGenerator<CsvCell[][]> {
	let after: VoteRow | undefined;
	for (;;) {
		const at = after?.createdAt.toISOString();
		// A range of votes_event_id_created_at_id_idx per batch; the first condition bounds the range, the
		// second skips the votes of the same millisecond already sent.
		const rows: VoteRow[] = await db.$queryRaw`
			WITH batch AS (
				SELECT "id", "created_at", "voter_id", "project_id" FROM "votes"
				WHERE "event_id" = ${eventId}::uuid
					${after ? Prisma.sql`AND "created_at" <= ${at}::timestamptz AND ("created_at" < ${at}::timestamptz OR "id" > ${after.id}::uuid)` : Prisma.empty}
				ORDER BY "created_at" DESC, "id"
				LIMIT ${batchSize}
			)
			SELECT v."id"::text AS "id", v."created_at" AS "createdAt", u."display_name" AS "voterName",
				u."email" AS "voterEmail", p."name" AS "projectName", p."id"::text AS "projectId"
			FROM batch v
				JOIN "users" u ON u."id" = v."voter_id"
				JOIN "projects" p ON p."id" = v."project_id" AND p."event_id" = ${eventId}::uuid
			ORDER BY v."created_at" DESC, v."id"`;
		yield rows.map((r) => [
			formatCsvDate(r.createdAt, timeZone),
			r.voterName,
			r.voterEmail,
			r.projectName,
			r.projectId
		]);
		if (rows.length < batchSize) return;
		after = rows[rows.length - 1];
	}
}

/** The ranking as CSV: rank (equal scores share one), project, team, votes, imported points, score. */
export async function exportResultsCsv(eventId: string): Promise<string> {
	const ranking = await rankProjects(eventId);
	return toCsv(
		['Rank', 'Project', 'Team', 'Votes', 'Imported points', 'Score', 'Project id'],
		ranking.map((p) => [p.rank, p.name, p.team.join(', '), p.votes, p.legacyPoints, p.score, p.id])
	);
}
