import { db } from '../db.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../ids.ts';
import { isUniqueViolation, RuleViolation } from '../rules.ts';
import type { Actor } from '../admin/access.ts';
import { recordPlatformAction } from './audit.ts';
import { m } from '../../paraglide/messages.js';

// What a platform admin does to one person's account, each in one transaction with its audit row.

const notFound = () => new RuleViolation(m.people_nobody_with_id(), 404);

/** The person's row inside a write's transaction, locked so that two admins' changes run one after the other. */
export async function lockPerson(tx: Prisma.TransactionClient, id: string) {
	if (!isUuid(id)) throw notFound();
	const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${id}::uuid FOR UPDATE`;
	if (!row) throw notFound();
	return tx.user.findUniqueOrThrow({
		where: { id },
		select: { id: true, email: true, displayName: true, deletedAt: true, platformAdminSince: true }
	});
}

function refuseDeleted(person: { deletedAt: Date | null }) {
	if (person.deletedAt) throw new RuleViolation(m.people_person_deleted_nothing(), 409);
}

export interface PrivateFields {
	phone: string | null;
	street1: string | null;
	street2: string | null;
	city: string | null;
	state: string | null;
	zipCode: string | null;
	country: string | null;
	dob: string | null;
}

/** The person's phone, address and birth date, for this one response; the reveal is audited (who, whose, when). */
export async function revealPrivateFields(actor: Actor, id: string): Promise<PrivateFields> {
	return db.$transaction(async (tx) => {
		const person = await lockPerson(tx, id);
		const fields = await tx.user.findUniqueOrThrow({
			where: { id },
			select: {
				phone: true,
				street1: true,
				street2: true,
				city: true,
				state: true,
				zipCode: true,
				country: true,
				dob: true
			}
		});
		await recordPlatformAction(tx, {
			actor,
			action: 'private_fields_revealed',
			summary: `Revealed the phone, address and birth date of ${person.email}.`, // i18n-ignore: a stored audit record
			targetUserId: id
		});
		return { ...fields, dob: fields.dob?.toISOString().slice(0, 10) ?? null };
	});
}

/**
 * Gives the person a new sign-in address (already normalised by the form's schema). Their sessions stay
 * valid; a link already mailed to the old address signs in a new, empty account from now on.
 */
export async function changeEmail(actor: Actor, id: string, email: string) {
	try {
		return await db.$transaction(async (tx) => {
			const person = await lockPerson(tx, id);
			refuseDeleted(person);
			if (person.email === email) throw new RuleViolation(m.people_already_their_address({ email }), 409);
			const taken = await tx.user.findUnique({ where: { email }, select: { id: true } });
			if (taken) throw emailTaken(email);
			await tx.user.update({ where: { id }, data: { email } });
			await recordPlatformAction(tx, {
				actor,
				action: 'email_changed',
				summary: `Changed the email of ${person.email} to ${email}.`, // i18n-ignore: a stored audit record
				targetUserId: id,
				details: { old: person.email, new: email }
			});
			return { old: person.email, new: email };
		});
	} catch (error) {
		// Someone signed in with that address between the check and the update.
		if (isUniqueViolation(error)) throw emailTaken(email);
		throw error;
	}
}

function emailTaken(email: string) {
	return new RuleViolation(m.people_email_taken({ email }), 409);
}

/** Ends every session of the person (audited with how many there were). */
export async function signOutEverywhere(actor: Actor, id: string) {
	return db.$transaction(async (tx) => {
		const person = await lockPerson(tx, id);
		const { count } = await tx.session.deleteMany({ where: { userId: id } });
		await recordPlatformAction(tx, {
			actor,
			action: 'signed_out_everywhere',
			summary: `Signed ${person.email} out everywhere (${count} session${count === 1 ? '' : 's'} ended).`,
			targetUserId: id,
			details: { sessions: count }
		});
		return { email: person.email, sessions: count };
	});
}
