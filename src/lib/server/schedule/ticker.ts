import { log } from '../log.ts';
import { runScheduledWork } from './runner.ts';

/**
 * Runs the scheduled work (./runner.ts) now and then every `intervalMs` in this process, one round at
 * a time; resolves the returned function once stopped. Every app process runs one: the database makes
 * sure each change is done once, and any process still up does it on time.
 */
export function startScheduler(intervalMs: number): () => Promise<void> {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let round: Promise<void> = Promise.resolve();
	// One warning per kind of failure rather than one per tick through a database outage.
	let lastProblem: string | undefined;

	const tick = async () => {
		try {
			await runScheduledWork();
			if (lastProblem) log.info('Scheduled work runs again');
			lastProblem = undefined;
		} catch (err) {
			const problem = (err as Error).message;
			if (problem !== lastProblem) log.warn({ err }, 'Scheduled work failed; trying again at the next tick');
			lastProblem = problem;
		}
	};
	const loop = () => {
		if (stopped) return;
		round = tick().finally(() => {
			if (stopped) return;
			timer = setTimeout(loop, intervalMs);
			// Never what keeps a stopping process alive.
			timer.unref?.();
		});
	};
	loop();
	return async () => {
		stopped = true;
		clearTimeout(timer);
		await round;
	};
}
