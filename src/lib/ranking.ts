// The shapes of a ranking, shared by the server (src/lib/server/leaderboard.ts) and the live views.

export type Phase = 'draft' | 'submission' | 'voting' | 'closed';

export interface RankedProject {
	/** Equal scores share a rank: 1, 2, 2, 4. */
	rank: number;
	id: string;
	name: string;
	team: string[];
	votes: number;
	/** Points of the old system without vote rows behind them. */
	legacyPoints: number;
	/** votes + legacyPoints */
	score: number;
}

/** Attendees who have voted, of all attendees. */
export interface Turnout {
	voted: number;
	attendees: number;
}

/** What the owner's live views show: sent when the stream opens and after every change. */
export interface LiveSnapshot {
	phase: Phase;
	/** Whether the owner has revealed the ranking on the projector view. */
	revealed: boolean;
	ranking: RankedProject[];
	turnout: Turnout;
}
