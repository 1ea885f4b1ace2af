// The shapes of a ranking's uncertainty (src/lib/server/results/uncertainty.ts), shared with the pages,
// and the plain words for its margin.

/** One project's place, with how sure it is. */
export interface RankInterval {
	/** The project's actual rank (1, 2, 2, 4). */
	rank: number;
	/** 95 % interval of the project's rank over the bootstrap resamples (2.5th to 97.5th percentile). */
	low: number;
	high: number;
	/** In the top places, and its interval overlaps another project's. */
	tied: boolean;
	/** The interval in plain words: "1st: clear", "1st or 2nd: too close to call", ... */
	words: string;
	/** Share of resamples in which the project came first (alone or shared). */
	firstShare: number;
}

export type MarginSummary =
	| { kind: 'none' }
	| { kind: 'tied'; projectIds: string[] }
	| { kind: 'margin'; ballots: number; winnerId: string; challengerId: string }
	| { kind: 'unreachable'; winnerId: string };

export interface ResultsUncertainty {
	/** Ballots (voters who voted) in the event. */
	ballots: number;
	resamples: number;
	/** Projects in the event. */
	projects: number;
	/** Whether `intervals` holds every project, or only the top places (see getResultsUncertainty). */
	complete: boolean;
	/** By project id. */
	intervals: Record<string, RankInterval>;
	margin: MarginSummary;
	/** Some projects carry imported legacy points, which the resamples keep fixed. */
	hasLegacy: boolean;
}

function plural(n: number, word: string) {
	return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** The margin in plain words, with the projects' names from `nameOf`. */
export function describeMargin(
	margin: MarginSummary,
	ballots: number,
	nameOf: (id: string) => string
): string {
	switch (margin.kind) {
		case 'none':
			return 'No margin to speak of: there is no contest yet.';
		case 'tied':
			return `First place is tied (${margin.projectIds.map(nameOf).join(', ')}): margin 0 ballots.`;
		case 'unreachable':
			return `No change of ballots could catch ${nameOf(margin.winnerId)}: its earlier (imported) points decide first place.`;
		case 'margin':
			return (
				`Margin: ${plural(margin.ballots, 'ballot')} of ${ballots.toLocaleString('en-US')}. Changing ` +
				`${margin.ballots === 1 ? 'one ballot' : `${margin.ballots.toLocaleString('en-US')} ballots`} in favour ` +
				`of ${nameOf(margin.challengerId)} and against ${nameOf(margin.winnerId)} would have tied or overturned ` +
				`first place.`
			);
	}
}
