import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { findEventBySlug } from '$lib/server/event-access';
import { liveFeed, type LiveUpdate } from '$lib/server/live';
import { openLiveView } from '$lib/server/metrics';
import { orError } from '$lib/server/rules';
import type { RequestHandler } from './$types';

// Comments keep the connection open through proxies that close idle ones.
const HEARTBEAT_MS = 20_000;
const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': still here\n\n');
const RETRY = encoder.encode('retry: 2000\n\n');

/**
 * The owner's live ranking and turnout as server-sent events: one `data:` message with the whole
 * snapshot when the stream opens and after every change (at most one every ~500 ms). Each message is
 * read and serialised once for all of the event's streams in this process (LiveFeed).
 */
export const GET: RequestHandler = async ({ locals, params, request }) => {
	// A machine endpoint: refusals are status codes, not a redirect to the sign-in page.
	if (!locals.user) error(401, m.event_live_sign_in());
	const event = await orError(findEventBySlug(params.slug, locals.user.id, locals.user.isPlatformAdmin));
	if (!event.isOwner) error(403, m.event_live_owner_only());
	const eventId = event.id;

	let stop = () => {};
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			let open = true;
			const send = (bytes: Uint8Array) => {
				if (open) controller.enqueue(bytes);
			};
			// Updates can arrive out of order (the first one read while a change is recomputed): never
			// send an older snapshot after a newer one.
			let sent = -1;
			const sendUpdate = (update: LiveUpdate) => {
				if (update.seq <= sent) return;
				sent = update.seq;
				send(update.message);
			};
			const heartbeat = setInterval(() => send(HEARTBEAT), HEARTBEAT_MS);
			let unsubscribe = () => {};
			const closeView = openLiveView();
			stop = () => {
				if (!open) return;
				open = false;
				closeView();
				clearInterval(heartbeat);
				unsubscribe();
			};
			request.signal.addEventListener('abort', () => {
				stop();
				try {
					controller.close();
				} catch {
					// Already closed by the client.
				}
			});
			// Subscribe before the first read, so that no change between the two goes unheard.
			unsubscribe = await liveFeed.subscribe(eventId, sendUpdate);
			if (!open) unsubscribe();
			send(RETRY);
			sendUpdate(await liveFeed.current(eventId));
		},
		cancel() {
			stop();
		}
	});
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			'x-accel-buffering': 'no'
		}
	});
};
