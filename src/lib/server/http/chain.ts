import type { Handle, RequestEvent, ResolveOptions } from '@sveltejs/kit';

// The app's handles, one after the other, as SvelteKit's `sequence` runs them, without what we do not
// use of it. For each handle of a request, `sequence` opens a tracing span and runs the handle inside its
// own AsyncLocalStorage context (so that `getRequestEvent()` sees that span's event), and it wraps the
// page's `transformPageChunk` at every handle, even where none has one. This app enables no tracing
// (kit.experimental.tracing) and calls no `getRequestEvent()`. With eleven handles that cost the app
// about 55 µs of a health check's 370 µs of CPU, and 0.06 ms of a ballot's 0.6 ms (BENCHMARKS.md).
//
// The options that handles give `resolve` are combined as `sequence` combines them: the page's chunks go
// through the innermost handle's `transformPageChunk` first and the outermost's last; for
// `filterSerializedResponseHeaders` and `preload` the outermost handle that gives one decides.

/** Runs `handles` in order: each one's `resolve` runs the next, and the last one's runs the route. */
export function chain(...handles: Handle[]): Handle {
	return ({ event, resolve }) => {
		const step = (i: number, event: RequestEvent, outer: ResolveOptions | undefined): ReturnType<Handle> =>
			i === handles.length
				? resolve(event, outer)
				: handles[i]({ event, resolve: (event, options) => step(i + 1, event, combine(outer, options)) });
		return step(0, event, undefined);
	};
}

/** The options of a handle (`inner`) with those of the handles around it (`outer`). */
function combine(outer: ResolveOptions | undefined, inner: ResolveOptions | undefined) {
	if (!inner) return outer;
	if (!outer) return inner;
	const first = inner.transformPageChunk;
	const then = outer.transformPageChunk;
	return {
		transformPageChunk:
			first && then
				? async ({ html, done }: { html: string; done: boolean }) =>
						(await then({ html: (await first({ html, done })) ?? '', done })) ?? ''
				: (first ?? then),
		filterSerializedResponseHeaders:
			outer.filterSerializedResponseHeaders ?? inner.filterSerializedResponseHeaders,
		preload: outer.preload ?? inner.preload
	};
}
