// The margin of an event's result: the fewest ballots that would have to change to change the winner.
//
// Precisely: the winner is the project with the highest score (votes + legacy points) when it is alone
// there. A changed ballot stays a valid ballot of the same voter: it may drop its vote for the winner and
// vote for one challenger X instead (never for a project of the voter's own team). Against X, a ballot
// closes the winner's lead by
//   2 if it voted for the winner and not X, and its voter may vote for X (swap the winner for X);
//   1 if it voted for the winner and X, or its voter is on X's team (drop the winner);
//   1 if it voted for neither and its voter may vote for X (add X, dropping another pick if full);
//   0 if it voted for X and not the winner.
// The winner has changed once some X scores at least as much (a tie for first is no longer this winner's
// win). The cheapest way for X takes the 2-ballots first: lead g needs ceil(g / 2) of them if there are
// enough, else all of them plus 1-ballots for the rest. The margin is the least of that over every X;
// legacy points cannot change. Pure code: no database.

import type { BallotSet } from './bootstrap.ts';

export type Margin =
	/** Fewer than two projects, or no ballots and no points: there is no contest to speak of. */
	| { kind: 'none' }
	/** Two or more projects share the top score: no ballot needs to change. */
	| { kind: 'tied'; ballots: 0; projects: number[] }
	/** `ballots` changed ballots would let `challenger` catch the `winner`. */
	| { kind: 'margin'; ballots: number; winner: number; challenger: number }
	/** No change of ballots can catch the winner (its legacy points decide it). */
	| { kind: 'unreachable'; winner: number };

/**
 * The margin of the event's result (see the top of this file). `teams[b]` lists the projects that the
 * voter of ballot b owns or works on, for which that voter may not vote.
 */
export function computeMargin(set: BallotSet, teams: number[][] = []): Margin {
	const n = set.projectCount;
	const ballots = set.offsets.length - 1;
	const { picks, offsets } = set;
	if (n < 2) return { kind: 'none' };
	const scores = Int32Array.from(set.legacy);
	for (const pick of picks) scores[pick]++;
	let best = -Infinity;
	for (const score of scores) best = Math.max(best, score);
	const top = [...scores.keys()].filter((p) => scores[p] === best);
	if (ballots === 0 && best === 0) return { kind: 'none' };
	if (top.length > 1) return { kind: 'tied', ballots: 0, projects: top };
	const winner = top[0];

	const votes = new Int32Array(n); // ballots that voted for X
	const withWinner = new Int32Array(n); // ballots that voted for the winner and X
	const teamWithWinner = new Int32Array(n); // X's team members whose ballot has the winner (not X)
	const teamWithout = new Int32Array(n); // X's team members whose ballot has neither
	let winnerBallots = 0;
	for (let b = 0; b < ballots; b++) {
		const start = offsets[b];
		const end = offsets[b + 1];
		let hasWinner = false;
		for (let j = start; j < end; j++) if (picks[j] === winner) hasWinner = true;
		if (hasWinner) winnerBallots++;
		for (let j = start; j < end; j++) {
			votes[picks[j]]++;
			if (hasWinner) withWinner[picks[j]]++;
		}
		for (const x of teams[b] ?? []) {
			let hasX = false;
			for (let j = start; j < end; j++) if (picks[j] === x) hasX = true;
			// A vote for one's own project (imported data) counts as an ordinary vote for X.
			if (hasX) continue;
			if (hasWinner) teamWithWinner[x]++;
			else teamWithout[x]++;
		}
	}

	let margin: { ballots: number; challenger: number } | undefined;
	for (let x = 0; x < n; x++) {
		if (x === winner) continue;
		const lead = scores[winner] - scores[x];
		const swaps = winnerBallots - withWinner[x] - teamWithWinner[x];
		const neither = ballots - winnerBallots - votes[x] + withWinner[x];
		const singles = withWinner[x] + teamWithWinner[x] + neither - teamWithout[x];
		let needed: number;
		if (2 * swaps >= lead) needed = Math.ceil(lead / 2);
		else if (2 * swaps + singles >= lead) needed = swaps + (lead - 2 * swaps);
		else continue;
		// Equal costs: name the challenger with the higher score (the runner-up).
		if (
			!margin ||
			needed < margin.ballots ||
			(needed === margin.ballots && scores[x] > scores[margin.challenger])
		) {
			margin = { ballots: needed, challenger: x };
		}
	}
	return margin ? { kind: 'margin', winner, ...margin } : { kind: 'unreachable', winner };
}
