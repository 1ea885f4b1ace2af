// What the ballot page keeps in the browser (localStorage) so that a ballot survives a dropped connection,
// a reload or a closed tab: this browser's device stamp, and per person and event the ballot not yet
// confirmed by the server. Ballots are stamped here (device, seq, key: see BallotStamp in
// src/lib/server/voting.ts) so that sending one again never counts twice.

/** A ballot sent but not yet confirmed by the server, with its stamp. */
export interface UnsentBallot {
	picks: string[];
	device: string;
	seq: number;
	key: string;
}

type KeyValues = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const DEVICE_ITEM = 'podium:ballot-device';

/**
 * localStorage, never throwing: where the browser refuses it (some private modes, a full quota) ballots
 * are kept in memory only, until the page is closed.
 */
export function browserStorage(): KeyValues {
	const memory = new Map<string, string>();
	let storage: Storage | undefined;
	try {
		storage = window.localStorage;
		storage.setItem('podium:probe', '1');
		storage.removeItem('podium:probe');
	} catch {
		storage = undefined;
	}
	return {
		getItem: (item) => {
			try {
				return storage ? storage.getItem(item) : (memory.get(item) ?? null);
			} catch {
				return memory.get(item) ?? null;
			}
		},
		setItem: (item, value) => {
			memory.set(item, value);
			try {
				storage?.setItem(item, value);
			} catch {
				// Kept in memory: the ballot is still sent, it just would not survive a reload.
			}
		},
		removeItem: (item) => {
			memory.delete(item);
			try {
				storage?.removeItem(item);
			} catch {
				// Nothing more to do.
			}
		}
	};
}

/** A random UUID, also where crypto.randomUUID is missing (pages served over plain http on a LAN). */
export function randomUuid(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	bytes[6] = (bytes[6] & 0x0f) | 0x40;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function readJson(storage: KeyValues, item: string): unknown {
	try {
		return JSON.parse(storage.getItem(item) ?? 'null');
	} catch {
		return null;
	}
}

/** Stamps a new ballot: this browser's device id (made on first use) and its next sequence number. */
export function stampBallot(storage: KeyValues, picks: string[]): UnsentBallot {
	const kept = readJson(storage, DEVICE_ITEM) as { id?: unknown; seq?: unknown } | null;
	const device = typeof kept?.id === 'string' ? kept.id : randomUuid();
	const last = typeof kept?.seq === 'number' && Number.isSafeInteger(kept.seq) ? kept.seq : 0;
	const seq = last + 1;
	storage.setItem(DEVICE_ITEM, JSON.stringify({ id: device, seq }));
	return { picks: [...picks], device, seq, key: randomUuid() };
}

function isUnsentBallot(value: unknown): value is UnsentBallot {
	const ballot = value as Partial<UnsentBallot> | null;
	return (
		Array.isArray(ballot?.picks) &&
		ballot.picks.every((pick) => typeof pick === 'string') &&
		typeof ballot.device === 'string' &&
		typeof ballot.key === 'string' &&
		typeof ballot.seq === 'number'
	);
}

/** The unsent ballot of one person in one event, as this browser keeps it. */
export function unsentBallotOf(storage: KeyValues, voter: string, event: string) {
	const item = `podium:unsent-ballot:${voter}:${event}`;
	return {
		load(): UnsentBallot | null {
			const value = readJson(storage, item);
			return isUnsentBallot(value) ? value : null;
		},
		save: (ballot: UnsentBallot) => storage.setItem(item, JSON.stringify(ballot)),
		clear: () => storage.removeItem(item)
	};
}

export type UnsentBallotSlot = ReturnType<typeof unsentBallotOf>;
