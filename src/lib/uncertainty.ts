// The shapes of a ranking's uncertainty (src/lib/server/results/uncertainty.ts), shared with the pages,
// and the plain words for its margin.
import { intlLocale } from '$lib/intl';
import { m } from '$lib/paraglide/messages';

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

/** The margin in plain words, with the projects' names from `nameOf`. */
export function describeMargin(
	margin: MarginSummary,
	ballots: number,
	nameOf: (id: string) => string
): string {
	const count = (n: number) => n.toLocaleString(intlLocale());
	switch (margin.kind) {
		case 'none':
			return m.board_margin_none();
		case 'tied':
			return m.board_margin_tied({ names: margin.projectIds.map(nameOf).join(', ') });
		case 'unreachable':
			return m.board_margin_unreachable({ name: nameOf(margin.winnerId) });
		case 'margin':
			return m.board_margin({
				margin: margin.ballots,
				shown: count(margin.ballots),
				ballots: count(ballots),
				challenger: nameOf(margin.challengerId),
				winner: nameOf(margin.winnerId)
			});
	}
}
