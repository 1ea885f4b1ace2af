import { describe, expect, it } from 'vitest';
import { databasePoolUsage } from '../../src/lib/server/db';
import { hasBearerToken, renderMetrics } from '../../src/lib/server/metrics';
import { castBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// What /metrics reports, straight from the server functions that count (the HTTP side, the token and
// the live views are in tests/e2e/production.test.ts).

async function sample(series: string): Promise<number> {
	const { body } = await renderMetrics();
	const line = body.split('\n').find((l) => l.startsWith(`${series} `));
	return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
	it('counts ballots by what became of them, accepted or refused with the reason', async () => {
		const event = await createEvent({ phase: 'voting' });
		const projects = [await createProject(event.id), await createProject(event.id)];
		const voter = await createUser();
		await addAttendee(event.id, voter.id);
		const recorded = 'podium_ballots_total{result="accepted",reason="recorded"}';
		const repeat = 'podium_ballots_total{result="accepted",reason="repeat"}';
		const tooMany = 'podium_ballots_total{result="refused",reason="too_many"}';
		const notAttending = 'podium_ballots_total{result="refused",reason="not_attending"}';
		const before = await Promise.all([recorded, repeat, tooMany, notAttending].map(sample));

		await castBallot(voter.id, event.id, [projects[0].id]);
		const stamp = { device: crypto.randomUUID(), seq: 1, key: crypto.randomUUID() };
		await castBallot(voter.id, event.id, [projects[1].id], stamp);
		await castBallot(voter.id, event.id, [projects[1].id], stamp);
		await expect(castBallot(voter.id, event.id, [projects[0].id, projects[1].id])).rejects.toThrow();
		await expect(castBallot((await createUser()).id, event.id, [projects[0].id])).rejects.toThrow();

		const after = await Promise.all([recorded, repeat, tooMany, notAttending].map(sample));
		expect(after.map((value, i) => value - before[i])).toEqual([2, 1, 1, 1]);
	});

	it("reports the PostgreSQL pool's connections in use and waiting (none on the embedded database)", async () => {
		await db.user.count();
		const usage = databasePoolUsage();
		const { body } = await renderMetrics();
		if (process.env.DATABASE_URL) {
			expect(usage).toEqual({ inUse: expect.any(Number), waiting: expect.any(Number) });
			expect(body).toMatch(/^podium_database_pool_connections\{state="in_use"\} \d+$/m);
			expect(body).toMatch(/^podium_database_pool_connections\{state="waiting"\} \d+$/m);
		} else {
			expect(usage).toBeNull();
			expect(body).not.toMatch(/^podium_database_pool_connections\{/m);
		}
		expect(body).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
	});

	it('accepts only the exact bearer token', () => {
		const token = '0123456789abcdef0123';
		expect(hasBearerToken(`Bearer ${token}`, token)).toBe(true);
		expect(hasBearerToken(`bearer ${token}`, token)).toBe(true);
		for (const header of [
			null,
			'',
			'Bearer',
			`Bearer ${token}x`,
			`Basic ${token}`,
			token,
			`Bearer ${token.slice(1)}`
		]) {
			expect(hasBearerToken(header, token), String(header)).toBe(false);
		}
	});
});
