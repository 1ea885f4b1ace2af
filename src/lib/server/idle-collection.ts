// V8 collects garbage when a program allocates, never while it rests. After a burst (fifty 1.5 MB
// downloads at once) the app kept the heap the burst had grown, 100 MB and more, for as long as no
// traffic came (BENCHMARKS.md, issue #12). So once the app has answered no request for IDLE_MS after
// answering some, it runs one full collection, which also shrinks the heap; the process's memory then
// goes back to where it was before the burst, with glibc's allocator as with jemalloc (measured:
// BENCHMARKS.md; README, "Memory after a busy spell").
//
// It needs Node started with --expose-gc (npm start, the container image and the benchmarks do);
// without it this does nothing.

const IDLE_MS = 5_000;

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => unknown;

let collect = (globalThis as { gc?: Collect }).gc;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Notes that a request came: the collection waits until IDLE_MS have passed without one. */
export function noteActivity(): void {
	if (!collect) return;
	if (timer) {
		timer.refresh();
		return;
	}
	timer = setTimeout(collectNow, IDLE_MS);
	// A collection still waiting never keeps the process alive on shutdown.
	timer.unref();
}

function collectNow() {
	timer = undefined;
	// The kind V8 runs when memory is short: it also gives back the room the heap grew to. (An ordinary
	// collection so soon after a burst frees the garbage but keeps that room: measured.) A few tens of
	// milliseconds on this app's heap, while it is idle.
	collect?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** For tests: the collector to call (Node's `gc` or a stand-in), and no collection waiting. */
export function setCollectorForTests(collector: Collect | undefined): void {
	if (timer) clearTimeout(timer);
	timer = undefined;
	collect = collector;
}
