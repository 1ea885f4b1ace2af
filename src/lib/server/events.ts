import type { EventPhase, Prisma } from './generated/prisma/client.ts';
import { db } from './db.ts';
import { generateJoinCode, normalizeJoinCode } from './join-codes.ts';
import { isUniqueViolation, RuleViolation } from './rules.ts';
import { isGoneFor, isVisibleTo } from './event-access.ts';
import { limitCodeGuessing, type CodeGuesser } from './join-limits.ts';
import { m } from '../paraglide/messages.js';

type Transaction = Prisma.TransactionClient;

/** What each phase means for attendees, in their words (and language: read when used). */
export const PHASE_LABELS: Record<EventPhase, string> = {
	get draft() {
		return m.server_phase_label_draft();
	},
	get submission() {
		return m.server_phase_label_submission();
	},
	get voting() {
		return m.server_phase_label_voting();
	},
	get closed() {
		return m.server_phase_label_closed();
	}
};

const SLUG_MAX = 48;

/** A URL-safe slug from an event name: Hack Club Scrapyard 2025! → hack-club-scrapyard-2025. */
export function slugify(name: string): string {
	const slug = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.slice(0, SLUG_MAX)
		.replace(/^-+|-+$/g, '');
	return slug || 'event';
}

// The first free slug among base, base-2, base-3, ...
async function freeSlug(tx: Transaction, base: string): Promise<string> {
	const taken = await tx.event.findMany({
		where: { OR: [{ slug: base }, { slug: { startsWith: `${base}-` } }] },
		select: { slug: true }
	});
	const used = new Set(taken.map((e) => e.slug));
	let slug = base;
	for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
	return slug;
}

/** Creates an event owned by `ownerId`: a slug from its name and a fresh join code. */
export async function createEvent(
	ownerId: string,
	input: { name: string; description?: string; draft?: boolean }
) {
	const base = slugify(input.name);
	for (let attempt = 0; ; attempt++) {
		try {
			return await db.$transaction(async (tx) => {
				// Everyone creating "Scrapyard" at the same instant takes turns here (across app instances),
				// so each sees the slugs the others took. What is left (a clash of join codes, or with a
				// name like "Scrapyard 2") is rare and worth another try.
				await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`event-slug:${base}`}, 0))`;
				return tx.event.create({
					data: {
						name: input.name,
						description: input.description ?? '',
						slug: await freeSlug(tx, base),
						joinCode: generateJoinCode(),
						phase: input.draft ? 'draft' : 'submission',
						ownerId
					},
					select: { id: true, slug: true, joinCode: true }
				});
			});
		} catch (error) {
			if (!isUniqueViolation(error) || attempt >= 20) throw error;
		}
	}
}

const eventSummary = {
	id: true,
	name: true,
	slug: true,
	description: true,
	phase: true,
	demoLinksOptional: true,
	piiRequired: true,
	place: true,
	ownerId: true
} as const;

/**
 * The event at `slug` as `viewerId` may see it, or a 404 RuleViolation: a draft is invisible to all but
 * its owner, a soft-deleted event to all but platform admins (`seesDeleted`). Says whether the viewer
 * owns or attends it.
 */
export async function getEventForViewer(slug: string, viewerId: string | undefined, seesDeleted = false) {
	const event = await db.event.findUnique({
		where: { slug },
		select: {
			...eventSummary,
			// Dates and the scheduled phase changes, shown in the event's time zone (and the viewer's).
			startsAt: true,
			endsAt: true,
			timeZone: true,
			votingOpensAt: true,
			votingClosesAt: true,
			joinCode: true,
			deletedAt: true,
			owner: { select: { displayName: true } },
			attendees: viewerId ? { where: { userId: viewerId }, select: { joinedAt: true } } : false,
			referrals: viewerId ? { where: { userId: viewerId }, select: { id: true }, take: 1 } : false
		}
	});
	if (!event || isGoneFor(event, seesDeleted) || !isVisibleTo(event, viewerId)) {
		throw new RuleViolation(m.server_event_not_found(), 404);
	}
	// Counted for this one event (index-only scans): Prisma's `_count` here joins a GROUP BY over the
	// attendances and projects of every event.
	const [projectCount, attendeeCount] = await Promise.all([
		db.project.count({ where: { eventId: event.id } }),
		db.eventAttendee.count({ where: { eventId: event.id } })
	]);
	const isOwner = event.ownerId === viewerId;
	const { attendees, referrals, joinCode, deletedAt, ...rest } = event;
	return {
		...rest,
		_count: { projects: projectCount, attendees: attendeeCount },
		deleted: deletedAt !== null,
		hasAnsweredReferral: (referrals ?? []).length > 0,
		// Only the owner shares the join code; attendees got it from them.
		joinCode: isOwner ? joinCode : undefined,
		isOwner,
		isAttendee: (attendees ?? []).length > 0
	};
}

/** Whether `userId` attends the event, and it is not soft-deleted (nobody attends a deleted event). */
export async function isAttendee(eventId: string, userId: string): Promise<boolean> {
	const row = await db.eventAttendee.findUnique({
		where: { eventId_userId: { eventId, userId } },
		select: { event: { select: { deletedAt: true } } }
	});
	return row !== null && row.event.deletedAt === null;
}

/**
 * Joins the guesser to the event whose join code was typed (any case), within the guessing limit.
 * Joining again is harmless. A referral answer is stored once per join that gave one.
 */
export async function joinEventByCode(guesser: CodeGuesser, typedCode: string, referral?: string) {
	await limitCodeGuessing(guesser);
	const { userId } = guesser;
	const event = await db.event.findUnique({
		where: { joinCode: normalizeJoinCode(typedCode) },
		select: { id: true, slug: true, name: true, phase: true, ownerId: true, deletedAt: true }
	});
	// A soft-deleted event's code stops working for everyone (it stays reserved, for a restore).
	if (!event || event.deletedAt || !isVisibleTo(event, userId)) {
		throw new RuleViolation(m.server_event_bad_code(), 404);
	}
	if (event.phase === 'draft') {
		throw new RuleViolation(m.server_event_draft_no_join(), 409);
	}
	if (event.phase === 'closed') {
		throw new RuleViolation(m.server_event_ended({ name: event.name }), 409);
	}
	const joined = await db.$transaction(async (tx) => {
		const { count } = await tx.eventAttendee.createMany({
			data: [{ eventId: event.id, userId }],
			skipDuplicates: true
		});
		// Someone removed by the owner and joining again may have answered before: one answer each.
		if (count > 0 && referral && (await tx.referral.count({ where: { eventId: event.id, userId } })) === 0) {
			await tx.referral.create({ data: { eventId: event.id, userId, content: referral } });
		}
		return count > 0;
	});
	return { slug: event.slug, name: event.name, alreadyAttending: !joined };
}

/**
 * Records an answer to "how did you hear about this event?" from an attendee who has none yet; a second
 * answer is ignored. The database holds the rule (referrals_one_per_attendee), also for concurrent posts.
 */
export async function recordReferral(eventId: string, userId: string, content: string) {
	if (!(await isAttendee(eventId, userId))) {
		throw new RuleViolation(m.server_event_join_before_answering(), 403);
	}
	try {
		await db.referral.create({ data: { eventId, userId, content } });
	} catch (error) {
		if (!isUniqueViolation(error)) throw error;
	}
}

/** The events a person attends and the events they own, newest first; soft-deleted ones are left out. */
export async function listMyEvents(userId: string) {
	const select = { name: true, slug: true, phase: true, createdAt: true } as const;
	const [attending, owned] = await Promise.all([
		db.event.findMany({
			where: { attendees: { some: { userId } }, phase: { not: 'draft' }, deletedAt: null },
			select,
			orderBy: { createdAt: 'desc' }
		}),
		db.event.findMany({ where: { ownerId: userId, deletedAt: null }, select, orderBy: { createdAt: 'desc' } })
	]);
	return { attending, owned };
}
