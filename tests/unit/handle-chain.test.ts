import type { Handle, RequestEvent, ResolveOptions } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { chain } from '../../src/lib/server/http/chain';

// The app's handles run through chain() (src/hooks.server.ts), which must run them as SvelteKit's
// sequence() does: in order, each around the next, with their resolve options combined the same way.

const event = { url: new URL('http://localhost/') } as RequestEvent;

/** A handle that notes when it starts and ends, and resolves with `options`. */
function noting(name: string, seen: string[], options?: ResolveOptions): Handle {
	return async ({ event, resolve }) => {
		seen.push(`${name} in`);
		const response = await resolve(event, options);
		seen.push(`${name} out`);
		return response;
	};
}

/** The route: notes what it was given and answers 200. */
function route(seen: string[], given: { options?: ResolveOptions; event?: RequestEvent }) {
	return (event: RequestEvent, options?: ResolveOptions) => {
		seen.push('route');
		given.options = options;
		given.event = event;
		return new Response('ok');
	};
}

describe('chain', () => {
	it('runs each handle around the next, the route innermost, with the event each handle passes on', async () => {
		const seen: string[] = [];
		const given: { options?: ResolveOptions; event?: RequestEvent } = {};
		const passed = { ...event, locals: { marked: true } } as unknown as RequestEvent;
		const handle = chain(noting('a', seen), ({ resolve }) => resolve(passed), noting('c', seen));
		const response = await handle({ event, resolve: route(seen, given) });
		expect(await response.text()).toBe('ok');
		expect(seen).toEqual(['a in', 'c in', 'route', 'c out', 'a out']);
		expect(given.event).toBe(passed);
		expect(given.options).toBeUndefined();
	});

	it('stops at a handle that answers by itself', async () => {
		const seen: string[] = [];
		const answer: Handle = () => new Response('refused', { status: 400 });
		const handle = chain(noting('a', seen), answer, noting('c', seen));
		const response = await handle({ event, resolve: route(seen, {}) });
		expect(response.status).toBe(400);
		expect(seen).toEqual(['a in', 'a out']);
	});

	it("passes page chunks through the inner handle's transform first, and the outer handle's preload and header filter win", async () => {
		const given: { options?: ResolveOptions } = {};
		const outer: ResolveOptions = {
			transformPageChunk: ({ html }) => `${html}+outer`,
			preload: () => false,
			filterSerializedResponseHeaders: (name) => name === 'outer'
		};
		const inner: ResolveOptions = {
			transformPageChunk: async ({ html }) => `${html}+inner`,
			preload: () => true,
			filterSerializedResponseHeaders: () => true
		};
		const handle = chain(noting('a', []), noting('b', [], outer), noting('c', [], inner), noting('d', []));
		await handle({ event, resolve: route([], given) });
		const options = given.options!;
		expect(await options.transformPageChunk!({ html: '<p>', done: true })).toBe('<p>+inner+outer');
		expect(options.preload!({ type: 'js', path: '/x.js' })).toBe(false);
		expect(options.filterSerializedResponseHeaders!('outer', 'v')).toBe(true);
		expect(options.filterSerializedResponseHeaders!('inner', 'v')).toBe(false);
	});

	it("keeps one handle's options as they are when no other handle gives any", async () => {
		const given: { options?: ResolveOptions } = {};
		const only: ResolveOptions = { transformPageChunk: ({ html }) => html.toUpperCase() };
		await chain(noting('a', []), noting('b', [], only))({ event, resolve: route([], given) });
		expect(given.options).toBe(only);
	});
});
