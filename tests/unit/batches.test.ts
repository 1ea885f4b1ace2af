import { describe, expect, it } from 'vitest';
import { batched } from '../../src/lib/server/batches';

/** A batched doubling, recording each statement it would have sent, answered when `release` is called. */
function doubling({
	atOnce = 2,
	most = 50,
	failWhen = (_: number[]): boolean => false,
	key
}: {
	atOnce?: number;
	most?: number;
	failWhen?: (inputs: number[]) => boolean;
	key?: (input: number) => string;
} = {}) {
	const sent: number[][] = [];
	const pending: (() => void)[] = [];
	let mostPending = 0;
	const held = <T>(inputs: number[], answer: () => T) =>
		new Promise<T>((resolve, reject) => {
			sent.push(inputs);
			mostPending = Math.max(mostPending, pending.length + 1);
			pending.push(() => (failWhen(inputs) ? reject(new Error(`failed: ${inputs}`)) : resolve(answer())));
		});
	const call = batched<number, number>({
		name: 'test',
		atOnce,
		most,
		alone: (n) => held([n], () => n * 2),
		together: (ns) => held(ns, () => ns.map((n) => n * 2)),
		key
	});
	const release = async () => {
		while (pending.length > 0) {
			pending.shift()?.();
			await new Promise((resolve) => setImmediate(resolve));
		}
	};
	return { call, sent, release, underWay: () => pending.length, mostPending: () => mostPending };
}

describe('batched calls', () => {
	it('sends a lone call at once, alone', async () => {
		const { call, sent, release } = doubling();
		const answer = call(21);
		expect(sent).toEqual([[21]]);
		await release();
		expect(await answer).toBe(42);
	});

	it('sends up to `atOnce` at a time; those that arrive meanwhile go together, each with its answer', async () => {
		const { call, sent, release, underWay } = doubling({ atOnce: 2, most: 3 });
		const answers = [1, 2, 3, 4, 5, 6, 7].map((n) => call(n));
		expect(underWay()).toBe(2);
		expect(sent).toEqual([[1], [2]]);
		await release();
		expect(sent).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
		expect(await Promise.all(answers)).toEqual([2, 4, 6, 8, 10, 12, 14]);
	});

	it('makes each call of a failed batch alone, all at once, so that only the failing one fails', async () => {
		const { call, sent, release, mostPending } = doubling({ atOnce: 1, failWhen: (ns) => ns.includes(3) });
		const answers = [1, 2, 3, 4].map((n) => call(n).catch((error: Error) => error.message));
		await release();
		expect(sent).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
		expect(await Promise.all(answers)).toEqual([2, 4, 'failed: 3', 8]);
		expect(mostPending()).toBe(3);
	});

	it('makes the calls of one key in a failed batch alone one after the other, in the order they came', async () => {
		const { call, sent, release, mostPending } = doubling({
			atOnce: 1,
			failWhen: (ns) => ns.includes(3),
			key: (n) => (n % 2 === 0 ? 'even' : 'odd')
		});
		const answers = [1, 2, 3, 4, 5, 6].map((n) => call(n).catch((error: Error) => error.message));
		await release();
		expect(sent.slice(0, 2)).toEqual([[1], [2, 3, 4, 5, 6]]);
		expect(sent.slice(2).filter(([n]) => n % 2 === 0)).toEqual([[2], [4], [6]]);
		expect(sent.slice(2).filter(([n]) => n % 2 === 1)).toEqual([[3], [5]]);
		expect(mostPending()).toBe(2);
		expect(await Promise.all(answers)).toEqual([2, 4, 'failed: 3', 8, 10, 12]);
	});

	it('fails every call of a batch answered with too few answers, and makes none again', async () => {
		const sent: number[][] = [];
		const call = batched<number, number>({
			name: 'test',
			atOnce: 1,
			most: 50,
			alone: async (n) => (sent.push([n]), n),
			together: async (ns) => (sent.push(ns), ns.slice(1))
		});
		const answers = [1, 2, 3].map((n) => call(n).catch((error: Error) => error.message));
		expect(await Promise.all(answers)).toEqual([
			1,
			'test answered 1 of 2 calls made together',
			'test answered 1 of 2 calls made together'
		]);
		expect(sent).toEqual([[1], [2, 3]]);
	});
});
