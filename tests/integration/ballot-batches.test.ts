import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/lib/server/metrics';
import { RuleViolation } from '../../src/lib/server/rules';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// Ballots that arrive together are cast in one call of cast_ballots (src/lib/server/ballot-batches.ts):
// each keeps its own answer, and a call that fails costs no ballot its answer.

/** An event in voting with 6 projects (limit 2), `count` attendees who own none of them. */
async function scene(count: number) {
	const event = await createEvent({ phase: 'submission' });
	const projects = [];
	for (let i = 0; i < 6; i++) projects.push(await createProject(event.id, { name: `Project ${i + 1}` }));
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	const voters = [];
	for (let i = 0; i < count; i++) {
		const voter = await createUser();
		await addAttendee(event.id, voter.id);
		voters.push(voter);
	}
	return { event, ids: projects.map((p) => p.id), owner: projects[0].ownerId, voters };
}

async function batchesObserved(): Promise<{ calls: number; ballots: number }> {
	const { body } = await renderMetrics();
	const value = (series: string) =>
		Number(
			body
				.split('\n')
				.find((line) => line.startsWith(`${series} `))
				?.split(' ')[1] ?? 0
		);
	return {
		calls: value('podium_database_batch_size_count{call="cast_ballot"}'),
		ballots: value('podium_database_batch_size_sum{call="cast_ballot"}')
	};
}

async function votesOf(eventId: string) {
	const votes = await db.vote.findMany({ where: { eventId }, select: { voterId: true, projectId: true } });
	return votes.map((v) => `${v.voterId} ${v.projectId}`).sort();
}

describe('ballots sent at the same moment', () => {
	it('are cast in fewer calls than ballots, each with its own answer and its own votes', async () => {
		const { event, ids, owner, voters } = await scene(40);
		const outsider = await createUser();
		const before = await batchesObserved();

		// 40 attendees, each picking two projects; an outsider; the owner of project 1 picking it; one
		// attendee over the limit. All sent at once, as at the end of an event.
		const wanted = voters.map((voter, i) => ({
			voter: voter.id,
			picks: [ids[1 + (i % 5)], ids[1 + ((i + 1) % 5)]]
		}));
		const overLimit = await createUser();
		await addAttendee(event.id, overLimit.id);
		const answers = await Promise.allSettled([
			...wanted.map(({ voter, picks }) => castBallot(voter, event.id, picks)),
			castBallot(outsider.id, event.id, [ids[1]]),
			castBallot(owner, event.id, [ids[0]]),
			castBallot(overLimit.id, event.id, [ids[1], ids[2], ids[3]])
		]);

		const after = await batchesObserved();
		expect(after.ballots - before.ballots).toBe(43);
		expect(after.calls - before.calls).toBeLessThanOrEqual(5);

		for (const [i, answer] of answers.slice(0, 40).entries()) {
			expect(answer.status).toBe('fulfilled');
			if (answer.status === 'fulfilled') {
				expect(answer.value.outcome).toBe('recorded');
				expect(answer.value.picks).toEqual(wanted[i].picks);
				expect(answer.value.receipt).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
			}
		}
		const refusals = answers
			.slice(40)
			.map((answer) => (answer.status === 'rejected' ? answer.reason : answer));
		for (const refusal of refusals) expect(refusal).toBeInstanceOf(RuleViolation);
		expect(refusals.map((refusal) => (refusal as RuleViolation).message)).toEqual([
			expect.stringMatching(/attend/i),
			expect.stringMatching(/your own|your team/i),
			expect.stringMatching(/at most 2/i)
		]);
		expect(await votesOf(event.id)).toEqual(
			wanted.flatMap(({ voter, picks }) => picks.map((pick) => `${voter} ${pick}`)).sort()
		);
	});

	it("of one voter are applied in the order they came: the last one's picks stay", async () => {
		const { event, ids, voters } = await scene(12);
		const [voter, ...others] = voters;
		const answers = await Promise.all([
			...others.map((other) => castBallot(other.id, event.id, [ids[0]])),
			castBallot(voter.id, event.id, [ids[1], ids[2]]),
			castBallot(voter.id, event.id, [ids[3]]),
			castBallot(voter.id, event.id, [ids[4], ids[5]])
		]);
		expect(answers.at(-1)?.picks).toEqual([ids[4], ids[5]]);
		const mine = await db.vote.findMany({ where: { eventId: event.id, voterId: voter.id } });
		expect(mine.map((vote) => vote.projectId).sort()).toEqual([ids[4], ids[5]].sort());
	});

	it('are cast one by one when their call fails, so that only the failing ballot fails', async () => {
		const { event, ids, voters } = await scene(20);
		// A real failure inside the database for one project's votes (as a lost foreign key or a full disk
		// would give), for this test's database only.
		await db.$executeRawUnsafe(`
			CREATE FUNCTION fail_for_project() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
				IF NEW.project_id = '${ids[5]}' THEN RAISE EXCEPTION 'this project cannot take votes'; END IF;
				RETURN NULL;
			END $$`);
		await db.$executeRawUnsafe(
			`CREATE TRIGGER fail_for_project AFTER INSERT ON votes FOR EACH ROW EXECUTE FUNCTION fail_for_project()`
		);
		try {
			const before = await batchesObserved();
			const answers = await Promise.allSettled(
				voters.map((voter, i) =>
					castBallot(voter.id, event.id, i === 7 ? [ids[0], ids[5]] : [ids[0], ids[1]])
				)
			);
			expect((await batchesObserved()).calls - before.calls).toBeLessThanOrEqual(5);

			expect(answers.map((answer) => answer.status)).toEqual(
				voters.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled'))
			);
			expect(String((answers[7] as PromiseRejectedResult).reason)).toMatch(/cannot take votes/);
			expect(await votesOf(event.id)).toEqual(
				voters
					.filter((_, i) => i !== 7)
					.flatMap((voter) => [`${voter.id} ${ids[0]}`, `${voter.id} ${ids[1]}`])
					.sort()
			);
		} finally {
			await db.$executeRawUnsafe('DROP TRIGGER fail_for_project ON votes');
			await db.$executeRawUnsafe('DROP FUNCTION fail_for_project()');
		}
	});
});
