import { observeBatch } from './metrics.ts';

// Calls to the database that arrive together, made together. A call goes at once while fewer than
// `atOnce` of its kind are under way; otherwise it waits for one of them to finish, with the calls that
// arrive meanwhile, and up to `most` of them go in one statement. A lone call waits for nothing; under
// load each round trip (and, for writes, each commit and its log flush) serves many requests: at the
// end-of-event rush, the ballots and the session lookups of the requests that send them (BENCHMARKS.md).

export interface Batching<In, Out> {
	/** What the call is, for /metrics (podium_database_batch_size). */
	name: string;
	atOnce: number;
	most: number;
	/** One call on its own. */
	alone: (input: In) => Promise<Out>;
	/**
	 * Several in one statement, answered in the order of `inputs`. If it fails, it must have changed
	 * nothing (one statement: one transaction); each call is then made alone and gets its own answer.
	 */
	together: (inputs: In[]) => Promise<Out[]>;
	/**
	 * Calls of the same key keep their order when made alone (a voter's ballots); the others are made
	 * alone all at once, so that in an outage none waits for the others to fail first.
	 */
	key?: (input: In) => string;
}

interface Waiting<In, Out> {
	input: In;
	resolve: (output: Out) => void;
	reject: (error: unknown) => void;
}

/** `batching`'s call, made together with those that arrive at the same time. */
export function batched<In, Out>(batching: Batching<In, Out>): (input: In) => Promise<Out> {
	const waiting: Waiting<In, Out>[] = [];
	let underWay = 0;

	function sendWaiting() {
		while (underWay < batching.atOnce && waiting.length > 0) {
			const batch = waiting.splice(0, batching.most);
			underWay += 1;
			void send(batch).finally(() => {
				underWay -= 1;
				sendWaiting();
			});
		}
	}

	async function send(batch: Waiting<In, Out>[]) {
		observeBatch(batching.name, batch.length);
		if (batch.length === 1) return sendAlone(batch[0]);
		let outputs: Out[];
		try {
			outputs = await batching.together(batch.map((one) => one.input));
		} catch {
			// Nothing of it was kept: each call is made alone and gets its own answer (if the database is
			// down, each fails as the whole batch did).
			const inTurn = Map.groupBy(batch, (one, i) => batching.key?.(one.input) ?? i);
			await Promise.all(
				[...inTurn.values()].map(async (calls) => {
					for (const one of calls) await sendAlone(one);
				})
			);
			return;
		}
		if (outputs.length !== batch.length) {
			// Never expected; not made again, for it may have been kept.
			const error = new Error(
				`${batching.name} answered ${outputs.length} of ${batch.length} calls made together`
			);
			for (const one of batch) one.reject(error);
			return;
		}
		for (const [i, one] of batch.entries()) one.resolve(outputs[i]);
	}

	async function sendAlone({ input, resolve, reject }: Waiting<In, Out>) {
		try {
			resolve(await batching.alone(input));
		} catch (error) {
			reject(error);
		}
	}

	return (input) =>
		new Promise<Out>((resolve, reject) => {
			waiting.push({ input, resolve, reject });
			sendWaiting();
		});
}
