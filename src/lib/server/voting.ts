import type { EventPhase } from './generated/prisma/client.ts';
import { Prisma } from './generated/prisma/client.ts';
import { castInBatch, type BallotRow } from './ballot-batches.ts';
import { db } from './db.ts';
import { isUuid } from './ids.ts';
import { announceBallot } from './live-channel.ts';
import { countBallot } from './metrics.ts';
import { CARDS_PER_PAGE, readCards } from './projects.ts';
import { arrangeBallot } from './results/exposure.ts';
import { receiptOf } from './results/receipt-code.ts';
import { RuleViolation } from './rules.ts';
import { m } from '../paraglide/messages.js';

/** How many projects each attendee picks: 1 below 4 projects, 2 from 4 to 19, 3 from 20. */
export function voteLimitFor(projectCount: number): number {
	if (projectCount < 4) return 1;
	if (projectCount < 20) return 2;
	return 3;
}

const NOT_ATTENDING = () => m.server_vote_not_attending();

/** Why a ballot cannot be taken in `phase`, or nothing in `voting`. */
function phaseRefusal(phase: EventPhase): RuleViolation | undefined {
	if (phase === 'voting') return undefined;
	if (phase === 'closed') {
		return new RuleViolation(m.server_vote_closed(), 409, 'voting-closed');
	}
	return new RuleViolation(m.server_vote_not_open(), 409, 'voting-not-open');
}

/**
 * The ballot of an attendee in `voting`: the projects of the event except their own and their teams', in
 * the order of the event's balanced design (results/exposure.ts; stable across visits), only a shortlist
 * in a large event unless `full`, a page of CARDS_PER_PAGE at a time, with the picks they have made so far
 * and when they were saved. Records which projects the ballot showed (ballot_impressions).
 *
 * `carried` are the picks ticked on the page the voter came from, not sent yet (the pages' buttons carry
 * them in the address, so that paging keeps them without JavaScript): those are ticked instead of the
 * picks on record. `shown` are the picks to tick; `elsewhere` those of them on other pages, with names.
 */
export async function getBallot(
	voterId: string,
	eventId: string,
	{ full = false, page = 1, carried }: { full?: boolean; page?: number; carried?: string[] } = {}
) {
	const [event, attendance, all, votes] = await Promise.all([
		db.event.findUnique({ where: { id: eventId }, select: { phase: true, deletedAt: true } }),
		db.eventAttendee.findUnique({
			where: { eventId_userId: { eventId, userId: voterId } },
			select: { ballotSavedAt: true }
		}),
		// Every project of the event, each once (a large event has hundreds), and which are the voter's.
		db.$queryRaw<{ id: string; mine: boolean }[]>`
			SELECT p.id, (p.owner_id = ${voterId}::uuid OR EXISTS (
				SELECT 1 FROM project_collaborators c WHERE c.project_id = p.id AND c.user_id = ${voterId}::uuid
			)) AS mine
			FROM projects p WHERE p.event_id = ${eventId}::uuid`,
		db.vote.findMany({ where: { eventId, voterId }, select: { projectId: true } })
	]);
	if (!event || event.deletedAt) throw new RuleViolation(m.server_event_not_found(), 404);
	if (!attendance) throw new RuleViolation(NOT_ATTENDING(), 403, 'not-attending');
	const closed = phaseRefusal(event.phase);
	if (closed) throw closed;
	const picks = votes.map((v) => v.projectId);
	const eligibleIds = new Set(all.flatMap((p) => (p.mine ? [] : [p.id])));
	const shown = carried ? [...new Set(carried)].filter((id) => eligibleIds.has(id)) : picks;
	const { order, pages, shortlist } = await arrangeBallot({
		eventId,
		voterId,
		allIds: all.map((p) => p.id),
		eligibleIds: [...eligibleIds],
		picks: [...new Set([...picks, ...shown])],
		full,
		page,
		perPage: CARDS_PER_PAGE
	});
	// Only the cards of the page are read: a large event's ballot page stays small.
	const onPage = new Set(order);
	const away = shown.filter((id) => !onPage.has(id));
	const [projects, named] = await Promise.all([
		readCards(order),
		away.length > 0
			? db.project.findMany({ where: { id: { in: away } }, select: { id: true, name: true } })
			: []
	]);
	const nameOf = new Map(named.map((p) => [p.id, p.name]));
	return {
		limit: voteLimitFor(all.length),
		picks,
		shown,
		carried: carried !== undefined,
		elsewhere: away.flatMap((id) => (nameOf.has(id) ? [{ id, name: nameOf.get(id)! }] : [])),
		savedAt: attendance.ballotSavedAt,
		projects,
		pages,
		shortlist: shortlist && { ...shortlist, total: eligibleIds.size }
	};
}

// What the database trigger votes_enforce_ballot_rules says if a vote ever slips past cast_ballot's
// checks: the same refusals, in the voter's words.
const TRIGGER_REFUSALS: Record<string, () => string> = {
	votes_voter_attends: NOT_ATTENDING,
	votes_not_own_project: () => m.server_vote_own_project(),
	votes_within_limit: () => m.server_vote_too_many()
};

function refusalOf(error: unknown): RuleViolation | undefined {
	if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
	const text = `${error.message} ${JSON.stringify(error.meta ?? {})}`;
	const constraint = Object.keys(TRIGGER_REFUSALS).find((name) => text.includes(name));
	return constraint ? new RuleViolation(TRIGGER_REFUSALS[constraint](), 409) : undefined;
}

const NOT_IN_EVENT = () => m.server_vote_not_in_event();
const UNREADABLE_STAMP = () => m.server_vote_unreadable();

/** The refusal for each outcome of the database function cast_ballot, in the voter's words. */
function refusalFor(outcome: string, limit: number, picked: number): RuleViolation | undefined {
	switch (outcome) {
		case 'recorded':
		case 'repeat':
		case 'outdated':
			return undefined;
		case 'event_not_found':
			return new RuleViolation(m.server_event_not_found(), 404);
		case 'not_attending':
			return new RuleViolation(NOT_ATTENDING(), 403);
		case 'phase_draft':
		case 'phase_submission':
		case 'phase_closed':
			return phaseRefusal(outcome.slice('phase_'.length) as EventPhase);
		case 'not_in_event':
			return new RuleViolation(NOT_IN_EVENT());
		case 'own_project':
			return new RuleViolation(m.server_vote_own_project());
		case 'voided':
			return new RuleViolation(m.server_vote_voided(), 403);
		case 'too_many':
			return new RuleViolation(m.server_vote_pick_at_most({ limit, picked }));
		default:
			throw new Error(`cast_ballot answered an unknown outcome: ${outcome}`);
	}
}

/**
 * Identifies one ballot sent by the ballot page, so that sending it again is harmless: the browser's
 * `device` id, a `seq` that grows with each new ballot of that device, and the ballot's own `key`.
 */
export interface BallotStamp {
	device: string;
	seq: number;
	key: string;
}

/**
 * What became of a ballot: `recorded`; a `repeat` of a stamped ballot already recorded; or `outdated`, a
 * stamped ballot older than one already recorded from its device. The last two change nothing. `picks`
 * and `savedAt` are the ballot on record afterwards.
 */
export interface CastBallot {
	outcome: 'recorded' | 'repeat' | 'outdated';
	picks: string[];
	savedAt: Date;
	limit: number;
	/** The receipt code of the ballot on record (null when it has no picks). */
	receipt: string | null;
}

/**
 * Records an attendee's ballot: the picks replace any earlier ones, all or nothing. Refused with a
 * RuleViolation (nothing recorded) unless the event is in `voting`, the voter attends it, and the picks
 * are distinct projects of the event, none their own or their team's, within the limit. Casting the same
 * ballot again changes nothing. A stamped ballot is applied at most once, and never after a newer one of
 * the same device (see BallotStamp).
 */
export function castBallot(
	voterId: string,
	eventId: string,
	projectIds: string[],
	stamp?: BallotStamp,
	client?: string
) {
	if (!isUuid(eventId)) return Promise.reject(new RuleViolation(m.server_event_not_found(), 404));
	return recordBallot(voterId, { id: eventId }, projectIds, stamp, client);
}

/**
 * castBallot for the event at `slug`, as the ballot form sends it: one query less on the hot path.
 * `client` is the request's client address: cast_ballot stores only a keyed hash of it (integrity review).
 */
export function castBallotAt(
	voterId: string,
	slug: string,
	projectIds: string[],
	stamp?: BallotStamp,
	client?: string
) {
	return recordBallot(voterId, { slug }, projectIds, stamp, client);
}

function isStamp(stamp: BallotStamp): boolean {
	return isUuid(stamp.device) && isUuid(stamp.key) && Number.isSafeInteger(stamp.seq) && stamp.seq > 0;
}

async function recordBallot(
	voterId: string,
	event: { id: string } | { slug: string },
	projectIds: string[],
	stamp: BallotStamp | undefined,
	client: string | undefined
): Promise<CastBallot> {
	if (projectIds.length === 0) {
		throw new RuleViolation(m.server_vote_pick_one());
	}
	if (new Set(projectIds).size !== projectIds.length) {
		throw new RuleViolation(m.server_vote_same_twice());
	}
	if (!projectIds.every(isUuid) || !isUuid(voterId)) throw new RuleViolation(NOT_IN_EVENT());
	if (stamp && !isStamp(stamp)) throw new RuleViolation(UNREADABLE_STAMP());
	const eventId = 'id' in event ? event.id : null;
	const slug = 'slug' in event ? event.slug : null;

	// The checks and the writes happen in the database function cast_ballot (its migrations explain why
	// and how concurrent ballots of one voter are serialised): one round trip per ballot, or per batch of
	// the ballots that arrive together (ballot-batches.ts). A deleted or unknown event is event_not_found.
	// saved_picks and saved_at are set for every outcome that is not a refusal.
	let row: BallotRow;
	try {
		row = await castInBatch({
			voter: voterId,
			eventId,
			slug,
			picks: projectIds,
			device: stamp?.device ?? null,
			seq: stamp?.seq ?? null,
			key: stamp?.key ?? null,
			client: client ?? null
		});
	} catch (error) {
		throw refusalOf(error) ?? error;
	}
	const { outcome, ballot_event, vote_limit: limit, saved_picks: picks, saved_at: savedAt } = row;
	countBallot(outcome);
	const refusal = refusalFor(outcome, limit, projectIds.length);
	if (refusal) throw refusal;
	// The live views hear of it now that it is committed (not from inside the ballot: see live-channel.ts).
	if (outcome === 'recorded' && ballot_event) announceBallot(ballot_event);
	// The receipt is computed here, not by cast_ballot: see receipt-code.ts.
	const receipt = await receiptOf(ballot_event as string, voterId, picks, savedAt);
	return { outcome: outcome as CastBallot['outcome'], picks, savedAt, limit, receipt };
}
