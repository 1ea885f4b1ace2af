import type { LiveSnapshot } from '../ranking.ts';
import { isDatabaseUnavailable, noteDatabaseUnreachable } from './database-status.ts';
import { db, listenToDatabase } from './db.ts';
import { countTurnout, rankProjects } from './leaderboard.ts';
import { LIVE_CHANNEL } from './live-channel.ts';
import { log } from './log.ts';
import { forgetKeptResults, keptPerEvent } from './results/kept.ts';

/** The ranking, turnout, phase and reveal state of an event, read now. */
export async function readLiveSnapshot(eventId: string): Promise<LiveSnapshot> {
	const [event, ranking, turnout] = await Promise.all([
		db.event.findUniqueOrThrow({ where: { id: eventId }, select: { phase: true, resultsRevealedAt: true } }),
		rankProjects(eventId),
		countTurnout(eventId)
	]);
	return { phase: event.phase, revealed: event.resultsRevealedAt !== null, ranking, turnout };
}

// The projector's first screen, kept 1 s per event as the owner's results are (results/kept.ts): a venue's
// screens and the organisers' laptops open it at once. Its live stream then follows every change.
const snapshots = keptPerEvent(1_000, readLiveSnapshot);

/** readLiveSnapshot, kept 1 s per event in this process (forgotten by any change made through it). */
export function keptLiveSnapshot(eventId: string): Promise<LiveSnapshot> {
	return snapshots.get(eventId);
}

/**
 * A snapshot as the live views send it: read once, and serialised once (an event stream's `data:`
 * message) for every stream of the event in this process, however many are open. `seq` grows with each
 * read of the event begun here: a stream never sends an older one after a newer one.
 */
export interface LiveUpdate {
	snapshot: LiveSnapshot;
	message: Uint8Array;
	seq: number;
}

const encoder = new TextEncoder();

function toUpdate(snapshot: LiveSnapshot, seq: number): LiveUpdate {
	return { snapshot, message: encoder.encode(`data: ${JSON.stringify(snapshot)}\n\n`), seq };
}

type Listener = (update: LiveUpdate) => void;
type Listen = typeof listenToDatabase;

interface EventFeed {
	listeners: Set<Listener>;
	timer?: ReturnType<typeof setTimeout>;
	running: boolean;
	/** A change arrived since the last recompute began. */
	dirty: boolean;
	lastRun: number;
	/** Reads of the event begun so far (the next update's seq). */
	reads: number;
	/** The newest update read, for the streams that open next. */
	latest?: LiveUpdate;
	/** The read that streams opening before any update wait for together. */
	first?: Promise<LiveUpdate>;
}

/**
 * Carries changes of events' rankings to the live views open in this process. Every writer sends a
 * NOTIFY (see live-channel.ts); each process holds one LISTEN connection, so a vote cast through any
 * app instance on the database reaches the viewers of every instance. A burst of votes causes at most
 * one recompute per event every `intervalMs`, shared by all of that event's viewers here. A view that
 * opens gets the event's latest update (`current`): a thousand views opening at once cost one read.
 */
export class LiveFeed {
	private readonly feeds = new Map<string, EventFeed>();
	private listening?: Promise<() => Promise<void>>;
	private closed = false;

	constructor(
		private readonly options: {
			intervalMs?: number;
			listen?: Listen;
			read?: (eventId: string) => Promise<LiveSnapshot>;
		} = {}
	) {}

	private get intervalMs() {
		return this.options.intervalMs ?? 500;
	}

	/** Calls `listener` with a new snapshot after each change of the event; returns the unsubscribe. */
	async subscribe(eventId: string, listener: Listener): Promise<() => void> {
		let feed = this.feeds.get(eventId);
		if (!feed) {
			feed = { listeners: new Set(), running: false, dirty: false, lastRun: 0, reads: 0 };
			this.feeds.set(eventId, feed);
		}
		feed.listeners.add(listener);
		// If the database cannot be reached now, lost() keeps trying; the view shows its first snapshot.
		await this.startListening().catch(() => {});
		return () => {
			feed.listeners.delete(listener);
			if (feed.listeners.size === 0 && this.feeds.get(eventId) === feed) {
				clearTimeout(feed.timer);
				this.feeds.delete(eventId);
			}
		};
	}

	/**
	 * The event's snapshot for a view that has just subscribed: the latest update of its feed, or the one
	 * read that every view opening before the first update waits for. Changes after it reach the view
	 * through its subscription.
	 */
	async current(eventId: string): Promise<LiveUpdate> {
		const feed = this.feeds.get(eventId);
		if (!feed) return toUpdate(await this.read(eventId), 0);
		if (feed.latest) return feed.latest;
		if (!feed.first) {
			const first = this.readFor(feed, eventId);
			feed.first = first;
			// A failed first read is not kept: the next view to open tries again.
			first.catch(() => {
				if (feed.first === first) feed.first = undefined;
			});
		}
		return feed.first;
	}

	/** Stops listening and drops every subscription (shutdown, tests). */
	async close(): Promise<void> {
		this.closed = true;
		for (const feed of this.feeds.values()) clearTimeout(feed.timer);
		this.feeds.clear();
		const stop = await this.listening?.catch(() => undefined);
		await stop?.();
	}

	private startListening(): Promise<unknown> {
		if (!this.listening) {
			const listening = (this.options.listen ?? listenToDatabase)(
				LIVE_CHANNEL,
				(eventId) => this.changed(eventId),
				(error) => this.lost(error)
			);
			this.listening = listening;
			listening.catch((error) => {
				if (this.listening === listening) this.lost(error);
			});
		}
		return this.listening;
	}

	// A lost LISTEN connection would leave every view silently stale: listen again, then refresh all,
	// since changes made meanwhile were not heard.
	private lost(error: Error) {
		if (this.closed) return;
		// While the database is down this repeats every second: the outage itself is logged once.
		if (isDatabaseUnavailable(error)) noteDatabaseUnreachable(error);
		else log.error(`Live updates: lost the database listener, reconnecting: ${error.message}`);
		const previous = this.listening;
		this.listening = undefined;
		previous?.then((stop) => stop()).catch(() => {});
		setTimeout(() => {
			if (this.closed || this.feeds.size === 0) return;
			this.startListening()
				.then(() => {
					for (const eventId of this.feeds.keys()) this.changed(eventId);
				})
				.catch(() => {});
		}, 1_000);
	}

	private changed(eventId: string) {
		forgetKeptResults(eventId);
		const feed = this.feeds.get(eventId);
		if (!feed) return;
		feed.dirty = true;
		this.plan(eventId, feed);
	}

	private plan(eventId: string, feed: EventFeed) {
		if (feed.timer || feed.running) return;
		const wait = Math.max(0, feed.lastRun + this.intervalMs - Date.now());
		feed.timer = setTimeout(() => this.recompute(eventId, feed), wait);
	}

	private read(eventId: string): Promise<LiveSnapshot> {
		return (this.options.read ?? readLiveSnapshot)(eventId);
	}

	// Reads the event for its feed and keeps the result as the latest, unless a newer one came first.
	private async readFor(feed: EventFeed, eventId: string): Promise<LiveUpdate> {
		const seq = ++feed.reads;
		const update = toUpdate(await this.read(eventId), seq);
		if (!feed.latest || feed.latest.seq < seq) feed.latest = update;
		return update;
	}

	private async recompute(eventId: string, feed: EventFeed) {
		feed.timer = undefined;
		feed.dirty = false;
		feed.running = true;
		feed.lastRun = Date.now();
		try {
			const update = await this.readFor(feed, eventId);
			for (const listener of feed.listeners) listener(update);
		} catch (error) {
			log.error({ err: error }, `Live updates: could not recompute event ${eventId}`);
		} finally {
			feed.running = false;
			if (feed.dirty && this.feeds.get(eventId) === feed) this.plan(eventId, feed);
		}
	}
}

/** The live feed of this process. */
export const liveFeed = new LiveFeed();
