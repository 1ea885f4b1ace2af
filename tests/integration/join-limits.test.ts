import { describe, expect, it } from 'vitest';
import { limitCodeGuessing } from '../../src/lib/server/join-limits';
import { RuleViolation } from '../../src/lib/server/rules';
import { joinEventByCode } from '../../src/lib/server/events';
import { joinProjectByCode } from '../../src/lib/server/projects';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

const from = (address: string, userId: string) => ({ userId, clientAddress: address });

describe('join-code guessing', () => {
	it('allows a person 30 tries in 10 minutes, then says how long to wait', async () => {
		for (let i = 0; i < 30; i++) await limitCodeGuessing(from('203.0.113.7', 'guesser-1'));
		const refused = await limitCodeGuessing(from('203.0.113.7', 'guesser-1')).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(RuleViolation);
		expect(refused).toMatchObject({ status: 429, message: expect.stringMatching(/Try again in 10 minutes/) });
		// Someone else at the same venue is not held back by it.
		await expect(limitCodeGuessing(from('203.0.113.7', 'neighbour'))).resolves.toBeUndefined();
	});

	it('stops a script behind one address long before it could walk the code space', async () => {
		const tries = Array.from({ length: 601 }, (_, i) =>
			limitCodeGuessing(from('198.51.100.9', `sock-${i % 40}`)).then(
				() => 'ok',
				() => 'refused'
			)
		);
		const outcomes = await Promise.all(tries);
		expect(outcomes.filter((o) => o === 'ok')).toHaveLength(600);
	});
});

describe('every way to try a code counts against the same limit', () => {
	it('refuses the 31st try whether it names an event or a project code, even the right one', async () => {
		const user = await make.createUser();
		const event = await make.createEvent();
		const who = make.guesser(user.id, '203.0.113.50');
		const tries = [
			...Array.from({ length: 15 }, (_, i) => () => joinEventByCode(who, `WRONG${i}`)),
			...Array.from({ length: 15 }, (_, i) => () => joinProjectByCode(who, `NOPE${i}`))
		];
		for (const attempt of tries) await expect(attempt()).rejects.toMatchObject({ status: 404 });
		await expect(joinEventByCode(who, event.joinCode)).rejects.toMatchObject({ status: 429 });
		await expect(joinProjectByCode(who, 'ANY1')).rejects.toMatchObject({ status: 429 });
		expect(await db.eventAttendee.count({ where: { userId: user.id } })).toBe(0);
	});
});
