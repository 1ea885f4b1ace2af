import type { EventPhase, Prisma } from './generated/prisma/client.ts';
import { db } from './db.ts';
import { isUuid } from './ids.ts';
import { announceEventChange } from './live-channel.ts';
import { RuleViolation } from './rules.ts';
import { m } from '../paraglide/messages.js';

export const PHASES: readonly EventPhase[] = ['draft', 'submission', 'voting', 'closed'];

// What each phase opens up, so that a move over several phases can be described step by step.
const OPENS: Record<EventPhase, () => string> = {
	draft: () => m.server_phase_opens_draft(),
	submission: () => m.server_phase_opens_submission(),
	voting: () => m.server_phase_opens_voting(),
	closed: () => m.server_phase_opens_closed()
};

const BACK: Record<EventPhase, () => string> = {
	draft: () => m.server_phase_back_draft(),
	submission: () => m.server_phase_back_submission(),
	voting: () => m.server_phase_back_voting(),
	closed: () => ''
};

/** What moving an event from `from` to `to` changes, in a sentence or two for the owner to confirm. */
export function describePhaseChange(from: EventPhase, to: EventPhase): string {
	const a = PHASES.indexOf(from);
	const b = PHASES.indexOf(to);
	if (a === b) return m.server_phase_no_change();
	if (b > a) {
		if (to === 'closed') {
			return from === 'voting' ? OPENS.closed() : m.server_phase_voting_skipped({ then: OPENS.closed() });
		}
		if (to === 'voting') return OPENS.voting();
		return OPENS[to]();
	}
	if (to === 'voting') return BACK.voting();
	if (to === 'submission') {
		return from === 'closed' ? m.server_phase_results_hidden({ then: BACK.submission() }) : BACK.submission();
	}
	return BACK.draft();
}

/**
 * Moves an event to `phase`: its owner only, forwards or back. Phases are what every page and action
 * checks (submissions in `submission`, votes in `voting`, public results in `closed`).
 */
export async function changeEventPhase(
	ownerId: string,
	eventId: string,
	phase: EventPhase
): Promise<{ from: EventPhase; to: EventPhase }> {
	if (!PHASES.includes(phase)) throw new RuleViolation(m.server_phase_choose());
	if (!isUuid(eventId)) throw new RuleViolation(m.server_event_not_found(), 404);
	return db.$transaction(async (tx) => {
		// FOR UPDATE: a ballot being cast holds this row FOR SHARE, so closing voting waits for the
		// ballots already under way and every later one sees the new phase.
		const rows = await tx.$queryRaw<{ phase: EventPhase; owner_id: string }[]>`
			SELECT phase, owner_id FROM events WHERE id = ${eventId}::uuid FOR UPDATE`;
		const event = rows[0];
		if (!event) throw new RuleViolation(m.server_event_not_found(), 404);
		if (event.owner_id !== ownerId) {
			throw new RuleViolation(m.server_phase_owner_only(), 403);
		}
		if (event.phase !== phase) await applyPhase(tx, eventId, phase);
		return { from: event.phase, to: phase };
	});
}

/**
 * Sets the phase of an event whose row the caller has locked FOR UPDATE (see changeEventPhase), and
 * tells the live views. The scheduler (src/lib/server/schedule/) moves events through this too.
 */
export async function applyPhase(tx: Prisma.TransactionClient, eventId: string, phase: EventPhase) {
	await tx.event.update({ where: { id: eventId }, data: { phase }, select: { id: true } });
	await announceEventChange(tx, eventId);
}
