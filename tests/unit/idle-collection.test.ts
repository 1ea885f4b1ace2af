import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noteActivity, setCollectorForTests } from '../../src/lib/server/idle-collection';

// The app runs one full garbage collection once it has been idle for 5 s after answering requests
// (BENCHMARKS.md: memory after a burst). A stand-in records the calls Node's gc() would get.
describe('the collection when the app falls idle', () => {
	let calls: unknown[];
	beforeEach(() => {
		vi.useFakeTimers();
		calls = [];
		setCollectorForTests((options) => calls.push(options));
	});
	afterEach(() => {
		setCollectorForTests(undefined);
		vi.useRealTimers();
	});

	it('runs once, 5 s after the last of a burst of requests', () => {
		for (let i = 0; i < 50; i++) {
			noteActivity();
			vi.advanceTimersByTime(100);
		}
		vi.advanceTimersByTime(4_800);
		expect(calls).toEqual([]);
		vi.advanceTimersByTime(200);
		expect(calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
		vi.advanceTimersByTime(60_000);
		expect(calls).toHaveLength(1);
	});

	it('waits while requests keep coming, and runs again after the next busy spell', () => {
		for (let i = 0; i < 20; i++) {
			noteActivity();
			vi.advanceTimersByTime(4_000);
		}
		expect(calls).toHaveLength(0);
		vi.advanceTimersByTime(1_000);
		expect(calls).toHaveLength(1);
		noteActivity();
		vi.advanceTimersByTime(5_000);
		expect(calls).toHaveLength(2);
	});

	it('does nothing when Node was started without --expose-gc', () => {
		setCollectorForTests(undefined);
		noteActivity();
		expect(vi.getTimerCount()).toBe(0);
	});
});
