import { normaliseEmail } from '../auth/sign-in-links.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { normalizeJoinCode } from '../join-codes.ts';
import { RuleViolation } from '../rules.ts';
import { m } from '../../paraglide/messages.js';

// Finding what a data fix is about from what an admin typed: an event by slug or join code, a person by
// email, a project by join code or id. Each takes the transaction of the fix, so the check and the change
// see the same rows; each refuses with a message that says what was not found.

type Client = Prisma.TransactionClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const eventSelect = { id: true, name: true, slug: true, phase: true, deletedAt: true } as const;

/** The event whose slug or join code was typed; refused when unknown or soft-deleted. */
export async function findEventByRef(tx: Client, typed: string) {
	const text = typed.trim();
	const event =
		(await tx.event.findUnique({ where: { slug: text.toLowerCase() }, select: eventSelect })) ??
		(await tx.event.findUnique({ where: { joinCode: normalizeJoinCode(text) }, select: eventSelect }));
	return usableEvent(event, () => m.people_no_event_ref_named({ text }));
}

/** The event with this id (from a confirmation form); refused when gone or soft-deleted. */
export async function findEventById(tx: Client, id: string) {
	const event = await tx.event.findUnique({ where: { id }, select: eventSelect });
	return usableEvent(event, m.people_event_gone);
}

function usableEvent(
	event: Prisma.EventGetPayload<{ select: typeof eventSelect }> | null,
	missing: () => string
) {
	if (!event) throw new RuleViolation(missing(), 404);
	if (event.deletedAt) {
		throw new RuleViolation(m.people_event_deleted_restore({ name: event.name }), 409);
	}
	return { id: event.id, name: event.name, slug: event.slug, phase: event.phase };
}

const personSelect = { id: true, email: true, displayName: true, deletedAt: true } as const;

/** The person with this email address; refused when unknown or deleted. */
export async function findPersonByEmail(tx: Client, typed: string) {
	const email = normaliseEmail(typed);
	const user = await tx.user.findUnique({ where: { email }, select: personSelect });
	return usablePerson(user, () => m.people_nobody_with_email({ email: email || m.people_empty() }));
}

/** The person with this id (from a confirmation form); refused when gone or deleted. */
export async function findPersonById(tx: Client, id: string) {
	const user = await tx.user.findUnique({ where: { id }, select: personSelect });
	return usablePerson(user, m.people_person_gone);
}

function usablePerson(
	user: Prisma.UserGetPayload<{ select: typeof personSelect }> | null,
	missing: () => string
) {
	if (!user) throw new RuleViolation(missing(), 404);
	if (user.deletedAt) throw new RuleViolation(m.people_account_deleted({ email: user.email }), 409);
	return { id: user.id, email: user.email, displayName: user.displayName };
}

/** The person as the audit log names them: "Display Name <email>". */
export function named(person: { displayName: string; email: string }) {
	return `${person.displayName || '(no name)'} <${person.email}>`;
}

const projectSelect = {
	id: true,
	name: true,
	ownerId: true,
	legacyPoints: true,
	event: { select: eventSelect }
} as const;

/** The project whose join code or id was typed, with its event; refused when unknown or its event is deleted. */
export async function findProjectByRef(tx: Client, typed: string) {
	const text = typed.trim();
	const project = UUID.test(text)
		? await tx.project.findUnique({ where: { id: text.toLowerCase() }, select: projectSelect })
		: await tx.project.findUnique({ where: { joinCode: normalizeJoinCode(text) }, select: projectSelect });
	if (!project) throw new RuleViolation(m.people_no_project_ref_named({ text }), 404);
	const event = usableEvent(project.event, m.people_project_no_event);
	return {
		id: project.id,
		name: project.name,
		ownerId: project.ownerId,
		legacyPoints: project.legacyPoints,
		event
	};
}

/** Locks the person's attendance of the event (as cast_ballot does) and returns its ballot stamp, or null. */
export async function lockAttendance(tx: Client, eventId: string, userId: string) {
	const rows = await tx.$queryRaw<{ ballot_saved_at: Date | null }[]>`
		SELECT "ballot_saved_at" FROM "event_attendees"
		WHERE "event_id" = ${eventId}::uuid AND "user_id" = ${userId}::uuid
		FOR UPDATE`;
	return rows.length ? { ballotSavedAt: rows[0].ballot_saved_at } : null;
}
