import type { Prisma } from '../generated/prisma/client.ts';
import { db } from '../db.ts';
import { normaliseEmail } from '../auth/sign-in-links.ts';
import { RuleViolation } from '../rules.ts';
import { recordPlatformAction, type PlatformActor } from './audit.ts';
import { m } from '../../paraglide/messages.js';

/**
 * Reads the platform admin role of `actorId` again inside a write's transaction and refuses (403) with
 * `refusal` unless they hold it: a route that forgot its guard still changes nothing.
 */
export async function requirePlatformAdminRole(
	tx: Prisma.TransactionClient,
	actorId: string,
	refusal: () => string = m.people_admins_only
) {
	const admin = await tx.user.findUnique({
		where: { id: actorId },
		select: { platformAdminSince: true, deletedAt: true }
	});
	if (!admin?.platformAdminSince || admin.deletedAt) throw new RuleViolation(refusal(), 403);
}

/** A platform admin as the list shows them. */
export interface PlatformAdmin {
	id: string;
	email: string;
	name: string;
	since: Date;
}

function personName(user: { displayName: string; firstName: string; lastName: string | null }) {
	return user.displayName || [user.firstName, user.lastName].filter(Boolean).join(' ') || '(no name yet)';
}

async function findPersonByEmail(email: string) {
	const address = normaliseEmail(email);
	const user = await db.user.findUnique({
		where: { email: address },
		select: { id: true, email: true, platformAdminSince: true, deletedAt: true }
	});
	if (!user || user.deletedAt) {
		throw new RuleViolation(
			address ? m.people_grant_unknown({ address }) : m.people_grant_unknown_empty(),
			404
		);
	}
	return user;
}

/** Makes the person with `email` a platform admin (audited); a clear refusal for an unknown address. */
export async function grantPlatformAdmin(actor: PlatformActor, email: string, now = new Date()) {
	const user = await findPersonByEmail(email);
	return db.$transaction(async (tx) => {
		// The conditional update is the check: of two grants at once, one records it.
		const { count } = await tx.user.updateMany({
			where: { id: user.id, platformAdminSince: null },
			data: { platformAdminSince: now }
		});
		if (count === 0) return { email: user.email, changed: false };
		await recordPlatformAction(tx, {
			actor,
			action: 'platform_admin_granted',
			summary: `Made ${user.email} a platform admin.`, // i18n-ignore: a stored audit record
			targetUserId: user.id
		});
		return { email: user.email, changed: true };
	});
}

/**
 * Takes the platform admin role from the person with `email` (audited); their sessions stay. An admin
 * cannot take their own (another admin or the operator command can), so that the platform never ends
 * up without one by accident.
 */
export async function revokePlatformAdmin(actor: PlatformActor, email: string) {
	const user = await findPersonByEmail(email);
	if (!('command' in actor) && actor.id === user.id) {
		throw new RuleViolation(m.people_revoke_self(), 403);
	}
	return db.$transaction(async (tx) => {
		const { count } = await tx.user.updateMany({
			where: { id: user.id, platformAdminSince: { not: null } },
			data: { platformAdminSince: null }
		});
		if (count === 0) return { email: user.email, changed: false };
		await recordPlatformAction(tx, {
			actor,
			action: 'platform_admin_revoked',
			summary: `Took the platform admin role from ${user.email}.`, // i18n-ignore: a stored audit record
			targetUserId: user.id
		});
		return { email: user.email, changed: true };
	});
}

/** Every platform admin, longest-serving first. */
export async function listPlatformAdmins(): Promise<PlatformAdmin[]> {
	const users = await db.user.findMany({
		where: { platformAdminSince: { not: null } },
		select: {
			id: true,
			email: true,
			displayName: true,
			firstName: true,
			lastName: true,
			platformAdminSince: true
		},
		orderBy: [{ platformAdminSince: 'asc' }, { email: 'asc' }]
	});
	return users.map((user) => ({
		id: user.id,
		email: user.email,
		name: personName(user),
		since: user.platformAdminSince!
	}));
}
