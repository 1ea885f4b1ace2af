// The bootstrap of an event's ranking: how sure is each project's place? The ballots are resampled with
// replacement (as many as there were, some twice, some not at all), the projects are ranked again on each
// resample, and each project's 95 % interval of rank is read off the results. Imported legacy points have
// no ballots behind them, so they stay fixed in every resample. Pure code on typed arrays: no database.

/** The ballots of an event in compact form: `picks[offsets[b] .. offsets[b + 1]]` are ballot b's projects. */
export interface BallotSet {
	/** Number of projects; projects are numbered 0 .. projectCount - 1. */
	projectCount: number;
	/** Imported legacy points per project (fixed: they have no ballots). */
	legacy: Int32Array;
	/** Project index of every vote, ballot after ballot. */
	picks: Int32Array;
	/** Where each ballot starts in `picks`; length = ballots + 1. */
	offsets: Int32Array;
}

export interface RankIntervals {
	resamples: number;
	/** 2.5th percentile of each project's rank over the resamples (1 = first). */
	low: Int32Array;
	/** 97.5th percentile of each project's rank. */
	high: Int32Array;
	/** Share of resamples in which each project was first (alone or shared). */
	firstShare: Float64Array;
}

/** Resamples an event's ballots 2,000 times by default, as issue 15 asks. */
export const DEFAULT_RESAMPLES = 2_000;

/** Resamples run between two yields to the event loop, so that a long run never holds up a ballot. */
const CHUNK = 50;

/** Builds a BallotSet from plain ballots (lists of project indices) and legacy points. */
export function packBallots(projectCount: number, ballots: number[][], legacy: number[] = []): BallotSet {
	const offsets = new Int32Array(ballots.length + 1);
	for (let b = 0; b < ballots.length; b++) offsets[b + 1] = offsets[b] + ballots[b].length;
	const picks = new Int32Array(offsets[ballots.length]);
	ballots.forEach((ballot, b) => picks.set(ballot, offsets[b]));
	const points = new Int32Array(projectCount);
	points.set(legacy.slice(0, projectCount));
	return { projectCount, legacy: points, picks, offsets };
}

/** A 32-bit seed from a text (FNV-1a): the same event and ballot count give the same resamples. */
export function seedFrom(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	return hash >>> 0;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1); plenty for resampling. */
export function createRandom(seed: number): () => number {
	let state = seed | 0;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** Competition ranks (1, 2, 2, 4) of `scores`, written to `ranks`; `sorted` is scratch space. */
function rankInto(scores: Int32Array, sorted: Int32Array, ranks: Int32Array) {
	const n = scores.length;
	sorted.set(scores);
	sorted.sort();
	for (let p = 0; p < n; p++) {
		// Rank = 1 + how many scores are higher: n minus the end of this score's run in ascending order.
		const score = scores[p];
		let lo = 0;
		let hi = n;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (sorted[mid] <= score) lo = mid + 1;
			else hi = mid;
		}
		ranks[p] = n - lo + 1;
	}
}

/** Competition ranks (1, 2, 2, 4) of the event's actual scores (votes + legacy points). */
export function rankObserved(set: BallotSet): Int32Array {
	const scores = Int32Array.from(set.legacy);
	for (const pick of set.picks) scores[pick]++;
	const ranks = new Int32Array(set.projectCount);
	rankInto(scores, new Int32Array(set.projectCount), ranks);
	return ranks;
}

/**
 * Each project's 95 % percentile interval of rank over `resamples` bootstrap resamples of the ballots,
 * seeded so that the same input always gives the same answer. Yields to the event loop every few
 * resamples: bounded work that never blocks the requests around it for long.
 */
export async function resampleRanks(
	set: BallotSet,
	options: { seed: number; resamples?: number }
): Promise<RankIntervals> {
	const resamples = options.resamples ?? DEFAULT_RESAMPLES;
	const n = set.projectCount;
	const ballots = set.offsets.length - 1;
	const { legacy, picks, offsets } = set;
	let state = options.seed | 0;
	// How often each project took each rank: counts[p * n + rank - 1].
	const counts = new Uint32Array(n * n);
	const scores = new Int32Array(n);
	// A resample's scores are small whole numbers, so ranks come from counting, not sorting: above[s] is
	// how many projects scored more than s. No score exceeds the legacy maximum plus one vote per ballot.
	let legacyMax = 0;
	for (const points of legacy) legacyMax = Math.max(legacyMax, points);
	const above = new Int32Array(legacyMax + ballots + 2);
	for (let done = 0; done < resamples;) {
		const until = Math.min(resamples, done + CHUNK);
		for (; done < until; done++) {
			scores.set(legacy);
			for (let k = 0; k < ballots; k++) {
				// createRandom's step, written out: this line runs millions of times per computation.
				state = (state + 0x6d2b79f5) | 0;
				let t = Math.imul(state ^ (state >>> 15), 1 | state);
				t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
				const b = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * ballots);
				for (let j = offsets[b], end = offsets[b + 1]; j < end; j++) scores[picks[j]]++;
			}
			let max = 0;
			for (let p = 0; p < n; p++) {
				above[scores[p]]++;
				if (scores[p] > max) max = scores[p];
			}
			// Turn "how many scored exactly s" into "how many scored more than s", from the top down.
			let higher = 0;
			for (let s = max; s >= 0; s--) {
				const exactly = above[s];
				above[s] = higher;
				higher += exactly;
			}
			for (let p = 0; p < n; p++) counts[p * n + above[scores[p]]]++;
			above.fill(0, 0, max + 1);
		}
		if (done < resamples) await new Promise((resolve) => setImmediate(resolve));
	}
	const low = new Int32Array(n);
	const high = new Int32Array(n);
	const firstShare = new Float64Array(n);
	// The 2.5th and 97.5th percentiles: the ranks at these positions of the resamples in rank order.
	const lowAt = Math.max(1, Math.ceil(0.025 * resamples));
	const highAt = Math.max(1, Math.ceil(0.975 * resamples));
	for (let p = 0; p < n; p++) {
		let seen = 0;
		for (let r = 0; r < n; r++) {
			const before = seen;
			seen += counts[p * n + r];
			if (before < lowAt && seen >= lowAt) low[p] = r + 1;
			if (before < highAt && seen >= highAt) {
				high[p] = r + 1;
				break;
			}
		}
		firstShare[p] = resamples === 0 ? 0 : counts[p * n] / resamples;
	}
	return { resamples, low, high, firstShare };
}

/** How many of the top places are checked for statistical ties. */
export const TOP_PLACES = 3;

/**
 * Which projects are "statistically tied": those placed in the top places whose rank interval overlaps
 * another project's interval (their order could well be the other way round).
 */
export function markTies(observed: Int32Array, low: Int32Array, high: Int32Array, topPlaces = TOP_PLACES) {
	const n = observed.length;
	const tied = new Array<boolean>(n).fill(false);
	for (let p = 0; p < n; p++) {
		if (observed[p] > topPlaces) continue;
		for (let q = 0; q < n && !tied[p]; q++) {
			if (q !== p && low[p] <= high[q] && low[q] <= high[p]) tied[p] = true;
		}
	}
	return tied;
}

/** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st, ... */
export function ordinal(n: number): string {
	const tens = n % 100;
	if (tens >= 11 && tens <= 13) return `${n}th`;
	return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** The plain words shown next to a rank interval: "1st: clear", "1st or 2nd: too close to call", .... */
export function describeInterval(low: number, high: number, tied: boolean): string {
	// Always this rank, yet overlapping another: that other project sometimes shares the place.
	if (low === high)
		return tied ? `${ordinal(low)}, possibly shared: too close to call` : `${ordinal(low)}: clear`;
	const range =
		high === low + 1 ? `${ordinal(low)} or ${ordinal(high)}` : `${ordinal(low)} to ${ordinal(high)}`;
	return tied ? `${range}: too close to call` : range;
}
