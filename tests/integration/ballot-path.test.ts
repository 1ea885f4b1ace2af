import { describe, expect, it } from 'vitest';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// The trigger votes_enforce_ballot_rules skips the votes that cast_ballot has just checked
// (prisma/migrations/20261128094000_ballot_path). These tests prove that every other way of writing a
// vote still gets every check, including ways that fake cast_ballot's "already checked" signal.

/** An event in voting with 4 projects (limit 2), an attendee who owns none, and an outsider. */
async function scene() {
	const event = await createEvent({ phase: 'submission' });
	const projects = [];
	for (let i = 0; i < 4; i++) projects.push(await createProject(event.id, { name: `Project ${i + 1}` }));
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	const voter = await createUser();
	await addAttendee(event.id, voter.id);
	const outsider = await createUser();
	return { event, voter, outsider, ids: projects.map((p) => p.id), ownerOf4: projects[3].ownerId };
}

const countVotes = (eventId: string) => db.vote.count({ where: { eventId } });

/** The three votes that break a rule: past the limit, from a non-attendee, for one's own project. */
async function offences() {
	const s = await scene();
	// Two votes, through the ballot: the limit is reached.
	await castBallot(s.voter.id, s.event.id, [s.ids[0], s.ids[1]]);
	return {
		...s,
		cases: [
			{ voterId: s.voter.id, projectId: s.ids[2], refusal: /at most 2 votes/ },
			{ voterId: s.outsider.id, projectId: s.ids[0], refusal: /only attendees/ },
			{ voterId: s.ownerOf4, projectId: s.ids[3], refusal: /own or their team/ }
		]
	};
}

const CAST_BALLOT_FRAME =
	'PL/pgSQL function cast_ballot(uuid,uuid,text,uuid[],uuid,bigint,uuid,text) line 1 at SQL statement';
const CAST_BALLOTS_FRAMES = `${CAST_BALLOT_FRAME}
SQL statement "SELECT b.n, c.* FROM cast_ballot(b.voter, b.event_id) c"
PL/pgSQL function cast_ballots(jsonb) line 1 at RETURN QUERY`;

describe('the database refuses a vote that breaks a rule', () => {
	it('from a plain INSERT', async () => {
		const { event, cases } = await offences();
		for (const { voterId, projectId, refusal } of cases) {
			await expect(
				db.$executeRaw`INSERT INTO votes (voter_id, project_id, event_id)
					VALUES (${voterId}::uuid, ${projectId}::uuid, ${event.id}::uuid)`
			).rejects.toThrow(refusal);
		}
		expect(await countVotes(event.id)).toBe(2);
	});

	it('from an INSERT after setting the "already checked" signal itself, for the transaction or the session', async () => {
		const { event, cases } = await offences();
		for (const local of [true, false]) {
			for (const { voterId, projectId, refusal } of cases) {
				await expect(
					db.$transaction(async (tx) => {
						await tx.$queryRaw`SELECT set_config('podium.ballot_checked', ${`${voterId}/${event.id}`}, ${local})`;
						await tx.$executeRaw`INSERT INTO votes (voter_id, project_id, event_id)
							VALUES (${voterId}::uuid, ${projectId}::uuid, ${event.id}::uuid)`;
					})
				).rejects.toThrow(refusal);
			}
		}
		expect(await countVotes(event.id)).toBe(2);
	});

	// A DO block that fakes the signal and writes `frames` inside its INSERT, as if on the call stack.
	for (const [what, frames] of [
		['cast_ballot', CAST_BALLOT_FRAME],
		['cast_ballot called by cast_ballots', CAST_BALLOTS_FRAMES]
	]) {
		it(`from a DO block that fakes the signal and, inside its statement, ${what} on the call stack`, async () => {
			const { event, cases } = await offences();
			for (const { voterId, projectId, refusal } of cases) {
				// Ids from the database: safe to write into the block.
				const block = `DO $$ BEGIN
					PERFORM set_config('podium.ballot_checked', '${voterId}/${event.id}', true);
					INSERT INTO "votes" ("voter_id", "project_id", "event_id")
						VALUES ('${voterId}', '${projectId}', '${event.id}') /*
${frames}*/;
				END $$`;
				await expect(db.$executeRawUnsafe(block)).rejects.toThrow(refusal);
			}
			expect(await countVotes(event.id)).toBe(2);
		});
	}

	it('from a function of another name that sets the signal and inserts', async () => {
		const { event, cases } = await offences();
		await db.$executeRawUnsafe(`
			CREATE OR REPLACE FUNCTION pretend_ballot(p_voter uuid, p_event uuid, p_project uuid) RETURNS void
			LANGUAGE plpgsql AS $$ BEGIN
				PERFORM set_config('podium.ballot_checked', p_voter::text || '/' || p_event::text, true);
				INSERT INTO "votes" ("voter_id", "project_id", "event_id") VALUES (p_voter, p_project, p_event);
			END $$`);
		for (const { voterId, projectId, refusal } of cases) {
			await expect(
				db.$queryRaw`SELECT pretend_ballot(${voterId}::uuid, ${event.id}::uuid, ${projectId}::uuid)::text`
			).rejects.toThrow(refusal);
		}
		expect(await countVotes(event.id)).toBe(2);
	});

	// The trigger compares frames with LIKE, where an unescaped _ stands for any one character: a
	// function named like cast_ballot but for that character, with its very arguments, is not trusted.
	it("from a function of cast_ballot's arguments whose name differs from it by one character", async () => {
		const { event, cases } = await offences();
		await db.$executeRawUnsafe(`
			CREATE OR REPLACE FUNCTION castxballot(p_voter uuid, p_event uuid, p_slug text, p_picks uuid[],
				p_device uuid, p_seq bigint, p_key uuid, p_client text) RETURNS void
			LANGUAGE plpgsql AS $$ BEGIN
				PERFORM set_config('podium.ballot_checked', p_voter::text || '/' || p_event::text, true);
				INSERT INTO "votes" ("voter_id", "project_id", "event_id") VALUES (p_voter, p_picks[1], p_event);
			END $$`);
		for (const { voterId, projectId, refusal } of cases) {
			await expect(
				db.$queryRaw`SELECT castxballot(${voterId}::uuid, ${event.id}::uuid, NULL, ARRAY[${projectId}::uuid],
					NULL, NULL, NULL, NULL)::text`
			).rejects.toThrow(refusal);
		}
		expect(await countVotes(event.id)).toBe(2);
	});

	it('inserted directly after a ballot in the same transaction', async () => {
		const { event, voter, ids } = await scene();
		await expect(
			db.$transaction(async (tx) => {
				await tx.$queryRaw`SELECT outcome FROM cast_ballot(${voter.id}::uuid, ${event.id}::uuid, NULL,
					${[ids[0], ids[1]]}::uuid[])`;
				await tx.$executeRaw`INSERT INTO votes (voter_id, project_id, event_id)
					VALUES (${voter.id}::uuid, ${ids[2]}::uuid, ${event.id}::uuid)`;
			})
		).rejects.toThrow(/at most 2 votes/);
		expect(await countVotes(event.id)).toBe(0);
	});
});

describe('cast_ballot', () => {
	it('records a ballot when called from inside other code too (the trigger then checks each vote itself)', async () => {
		const { event, voter, ids } = await scene();
		await db.$executeRawUnsafe(
			`DO $$ BEGIN PERFORM cast_ballot('${voter.id}', '${event.id}', NULL, ARRAY['${ids[0]}', '${ids[2]}']::uuid[]); END $$`
		);
		const votes = await db.vote.findMany({ where: { eventId: event.id }, select: { projectId: true } });
		expect(votes.map((v) => v.projectId).sort()).toEqual([ids[0], ids[2]].sort());
	});

	it('spares the trigger its own checks for the votes it checked, called by the client or by cast_ballots', async () => {
		const { event, ids } = await scene();
		const picks = `ARRAY['${ids[0]}', '${ids[1]}']::uuid[]`;
		// Scans of the votes table in one transaction: the trigger's own checks count a voter's votes,
		// one scan per vote; cast_ballot's are the same whoever called it.
		const scansOf = async (call: (voter: string) => string) => {
			const voter = await createUser();
			await addAttendee(event.id, voter.id);
			return db.$transaction(async (tx) => {
				const read = async () =>
					(
						await tx.$queryRaw<
							{ n: number }[]
						>`SELECT (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::int AS n
							FROM pg_stat_xact_user_tables WHERE relname = 'votes'`
					)[0]?.n ?? 0;
				const before = await read();
				await tx.$executeRawUnsafe(call(voter.id));
				return (await read()) - before;
			});
		};
		const direct = await scansOf((v) => `SELECT * FROM cast_ballot('${v}', '${event.id}', NULL, ${picks})`);
		const batched = await scansOf(
			(v) => `SELECT * FROM cast_ballots(jsonb_build_array(jsonb_build_object(
				'voter', '${v}', 'event_id', '${event.id}', 'picks', ${picks})))`
		);
		const inside = await scansOf(
			(v) => `DO $$ BEGIN PERFORM cast_ballot('${v}', '${event.id}', NULL, ${picks}); END $$`
		);
		expect(batched).toBe(direct);
		expect(inside).toBe(direct + 2);
		expect(await countVotes(event.id)).toBe(6);
	});

	it('gives new votes time-ordered ids (UUID version 7)', async () => {
		const { event, ids } = await scene();
		const made = [];
		for (let i = 0; i < 3; i++) {
			const voter = await createUser();
			await addAttendee(event.id, voter.id);
			await castBallot(voter.id, event.id, [ids[i]]);
			made.push((await db.vote.findFirstOrThrow({ where: { voterId: voter.id }, select: { id: true } })).id);
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		for (const id of made) expect(id[14]).toBe('7');
		expect([...made].sort()).toEqual(made);
	});
});
