// Results that are costly to read for a big event and that anyone allowed may ask for many times a
// second are kept a moment per event in this process. A change made through this process forgets them
// at once (forgetKeptResults, called where the change is made and by announceEventChange); other
// instances read them again when their moment is over.

const MAX_KEPT = 100;
const forgetters: ((eventId: string) => void)[] = [];

/** Forgets everything kept for the event (its votes, projects, phase or attendees changed). */
export function forgetKeptResults(eventId: string): void {
	for (const forget of forgetters) forget(eventId);
}

/** Has `forget(eventId)` called by forgetKeptResults: for a keeper of another shape than keptPerEvent. */
export function onForgetResults(forget: (eventId: string) => void): void {
	forgetters.push(forget);
}

/**
 * `read(eventId)` kept `ttlMs` per event (and per `variant`, e.g. the language its words are in):
 * concurrent readers share one read, a failed read is not kept, and forgetKeptResults(eventId) drops
 * every variant of the event. At most 100 entries are kept: when full, all are dropped.
 */
export function keptPerEvent<T>(ttlMs: number, read: (eventId: string) => Promise<T>) {
	const kept = new Map<string, { at: number; value: Promise<T> }>();
	onForgetResults((eventId) => {
		for (const key of kept.keys()) if (key.startsWith(`${eventId}\n`)) kept.delete(key);
	});
	return {
		get(eventId: string, variant = ''): Promise<T> {
			const key = `${eventId}\n${variant}`;
			const now = Date.now();
			const entry = kept.get(key);
			if (entry && now - entry.at < ttlMs) return entry.value;
			if (kept.size >= MAX_KEPT) kept.clear();
			const value = read(eventId);
			kept.set(key, { at: now, value });
			value.catch(() => {
				if (kept.get(key)?.value === value) kept.delete(key);
			});
			return value;
		}
	};
}
