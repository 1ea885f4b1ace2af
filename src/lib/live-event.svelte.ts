import type { LiveSnapshot } from './ranking';

/**
 * Follows an event's live stream (`/events/<slug>/live`, owner only) from the browser. Starts from
 * `initial` (what the server rendered, so the page works without JavaScript) and takes every message
 * that arrives; EventSource reconnects by itself after a drop. Call it while a component initialises:
 * the stream closes with the component.
 */
export function followLiveEvent(
	slug: () => string,
	initial: () => Partial<LiveSnapshot> & Pick<LiveSnapshot, 'ranking' | 'turnout'>
) {
	const live = $state({ ...initial(), connected: false });
	$effect(() => {
		const source = new EventSource(`/events/${encodeURIComponent(slug())}/live`);
		source.onopen = () => (live.connected = true);
		source.onerror = () => (live.connected = false);
		source.onmessage = (message) => {
			Object.assign(live, JSON.parse(message.data) as LiveSnapshot, { connected: true });
		};
		return () => source.close();
	});
	return live;
}
