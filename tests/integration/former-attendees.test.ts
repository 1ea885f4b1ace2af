import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrations, type SqlConnection } from '../../src/lib/server/migrations';

// A person's votes across events are found through the events they attend and those they left while
// their votes stayed (former_attendees; src/lib/server/platform/votes-of.ts). The migration that made the
// table notes the votes already on record without an attendance, and its trigger every later departure.

const MIGRATION = '20261130160000_former_attendees';
let pg: PGlite;

const rowsOf = async <T>(sql: string, params: unknown[] = []) => (await pg.query<T>(sql, params)).rows;

async function person(name: string) {
	const [row] = await rowsOf<{ id: string }>(
		`INSERT INTO users (email, first_name, display_name) VALUES ($1, $2, $2) RETURNING id`,
		[`${name}@example.test`, name]
	);
	return row.id;
}

async function eventWithProject(slug: string, ownerId: string) {
	const [event] = await rowsOf<{ id: string }>(
		`INSERT INTO events (name, slug, join_code, owner_id, phase) VALUES ($1, $1, upper($1), $2, 'voting') RETURNING id`,
		[slug, ownerId]
	);
	const [project] = await rowsOf<{ id: string }>(
		`INSERT INTO projects (name, join_code, owner_id, event_id) VALUES ('P', upper($1) || 'P', $2, $3) RETURNING id`,
		[slug, ownerId, event.id]
	);
	return { eventId: event.id, projectId: project.id };
}

async function attendAndVote(userId: string, { eventId, projectId }: { eventId: string; projectId: string }) {
	await rowsOf(`INSERT INTO event_attendees (event_id, user_id) VALUES ($1, $2)`, [eventId, userId]);
	await rowsOf(`INSERT INTO votes (voter_id, project_id, event_id) VALUES ($1, $2, $3)`, [
		userId,
		projectId,
		eventId
	]);
}

const formerOf = async (userId: string) =>
	(
		await rowsOf<{ event_id: string }>(`SELECT event_id FROM former_attendees WHERE user_id = $1`, [userId])
	).map((r) => r.event_id);

beforeAll(async () => {
	pg = new PGlite({ extensions: { pg_trgm } });
	const all = readMigrations();
	const at = all.findIndex((m) => m.name === MIGRATION);
	expect(at).toBeGreaterThan(0);
	await applyMigrations(pg as unknown as SqlConnection, all.slice(0, at));
});

afterAll(() => pg.close());

describe('where to look for a person’s votes across events', () => {
	it('notes, when the table is made, the votes on record whose voter left the event, and only those', async () => {
		const owner = await person('owner-before');
		const [left, stayed] = [await person('left-before'), await person('stayed-before')];
		const event = await eventWithProject('before', owner);
		await attendAndVote(left, event);
		await attendAndVote(stayed, event);
		await rowsOf(`DELETE FROM event_attendees WHERE user_id = $1`, [left]);

		await applyMigrations(pg as unknown as SqlConnection, readMigrations());
		expect(await formerOf(left)).toEqual([event.eventId]);
		expect(await formerOf(stayed)).toEqual([]);
	});

	it('notes each later departure whose votes stay, and none whose votes went first', async () => {
		const owner = await person('owner-after');
		const [kept, cleared, never] = [await person('kept'), await person('cleared'), await person('never')];
		const event = await eventWithProject('after', owner);
		await attendAndVote(kept, event);
		await attendAndVote(cleared, event);
		await rowsOf(`INSERT INTO event_attendees (event_id, user_id) VALUES ($1, $2)`, [event.eventId, never]);

		await rowsOf(`DELETE FROM event_attendees WHERE user_id = $1`, [kept]);
		await rowsOf(`DELETE FROM votes WHERE voter_id = $1`, [cleared]);
		await rowsOf(`DELETE FROM event_attendees WHERE user_id = ANY($1::uuid[])`, [[cleared, never]]);
		expect(await formerOf(kept)).toEqual([event.eventId]);
		expect(await formerOf(cleared)).toEqual([]);
		expect(await formerOf(never)).toEqual([]);

		// Leaving twice (after joining again) keeps one row.
		await rowsOf(`INSERT INTO event_attendees (event_id, user_id) VALUES ($1, $2)`, [event.eventId, kept]);
		await rowsOf(`DELETE FROM event_attendees WHERE user_id = $1`, [kept]);
		expect(await formerOf(kept)).toEqual([event.eventId]);
	});
});
