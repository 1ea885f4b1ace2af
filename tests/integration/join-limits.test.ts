import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { limitCodeGuessing } from '../../src/lib/server/join-limits';
import { RuleViolation } from '../../src/lib/server/rules';
import '../helpers/db';

const from = (address: string) => ({ getClientAddress: () => address }) as unknown as RequestEvent;

describe('join-code guessing', () => {
	it('allows a person 30 tries in 10 minutes, then says how long to wait', async () => {
		for (let i = 0; i < 30; i++) await limitCodeGuessing(from('203.0.113.7'), 'guesser-1');
		const refused = await limitCodeGuessing(from('203.0.113.7'), 'guesser-1').catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(RuleViolation);
		expect(refused).toMatchObject({ status: 429, message: expect.stringMatching(/Try again in 10 minutes/) });
		// Someone else at the same venue is not held back by it.
		await expect(limitCodeGuessing(from('203.0.113.7'), 'neighbour')).resolves.toBeUndefined();
	});

	it('stops a script behind one address long before it could walk the code space', async () => {
		const tries = Array.from({ length: 601 }, (_, i) =>
			limitCodeGuessing(from('198.51.100.9'), `sock-${i % 40}`).then(
				() => 'ok',
				() => 'refused'
			)
		);
		const outcomes = await Promise.all(tries);
		expect(outcomes.filter((o) => o === 'ok')).toHaveLength(600);
	});
});
