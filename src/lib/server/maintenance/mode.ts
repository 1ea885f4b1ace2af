import { normaliseEmail } from '../auth/sign-in-links.ts';
import { db } from '../db.ts';
import { RuleViolation } from '../rules.ts';
import type { Actor } from '../admin/access.ts';
import { requirePlatformAdminRole } from '../platform/admins.ts';
import { recordPlatformAction } from '../platform/audit.ts';
import { m } from '../../paraglide/messages.js';

// Read-only maintenance (e.g. the cutover window): one row in the database, so that every app instance
// sees the switch; each instance reads it at most once per MAINTENANCE_CACHE_MS (writes are refused or
// let through on every POST, and the banner is on every page: a query each time would be wasted), and
// the instance where an admin flips the switch forgets its copy at once.

/** How long an instance trusts its copy of the switch: the most another instance lags behind. */
export const MAINTENANCE_CACHE_MS = 5_000;

export interface Maintenance {
	active: boolean;
	/** The sentence people are shown (always set while active). */
	message: string;
	/** Who last turned it on or off, and when; empty before the first time. */
	changedByName: string;
	changedAt: Date | null;
}

const OFF: Maintenance = { active: false, message: '', changedByName: '', changedAt: null };

let cached: { value: Maintenance; until: number } | undefined;

/** The switch as this instance knows it (at most MAINTENANCE_CACHE_MS old). */
export async function readMaintenance(now = Date.now()): Promise<Maintenance> {
	if (cached && cached.until > now) return cached.value;
	const row = await db.maintenanceMode.findUnique({
		where: { id: 1 },
		select: { active: true, message: true, changedByName: true, changedAt: true }
	});
	const value = row ?? OFF;
	cached = { value, until: now + MAINTENANCE_CACHE_MS };
	return value;
}

/** Whether `email` is a platform admin's, who may sign in and write during maintenance. */
export async function isPlatformAdminEmail(email: unknown): Promise<boolean> {
	if (typeof email !== 'string' || !email.trim()) return false;
	const user = await db.user.findUnique({
		where: { email: normaliseEmail(email) },
		select: { platformAdminSince: true, deletedAt: true }
	});
	return Boolean(user?.platformAdminSince && !user.deletedAt);
}

/**
 * The switch for the banner, which must never break a page: while the database cannot be read (an
 * outage has its own page), the last value this instance read, or off.
 */
export async function readMaintenanceForBanner(): Promise<Maintenance> {
	try {
		return await readMaintenance();
	} catch {
		return cached?.value ?? OFF;
	}
}

/** Drops this instance's copy (after a change here; tests). */
export function forgetMaintenance() {
	cached = undefined;
}

/**
 * Turns maintenance on with `message` (platform admins only, re-checked here), or off. Recorded in the
 * platform activity log.
 */
export async function setMaintenance(actor: Actor, input: { active: boolean; message?: string }) {
	const message = input.message?.trim() ?? '';
	if (input.active && !message) {
		throw new RuleViolation(m.people_maintenance_write_message());
	}
	const done = await db.$transaction(async (tx) => {
		await requirePlatformAdminRole(tx, actor.id, m.people_maintenance_admins_only);
		const before = await tx.maintenanceMode.findUnique({
			where: { id: 1 },
			select: { active: true, message: true }
		});
		if (!input.active && !before?.active) throw new RuleViolation(m.people_maintenance_already_off(), 409);
		const data = {
			active: input.active,
			// Ending keeps the last message, for the record.
			message: input.active ? message : (before?.message ?? ''),
			changedById: actor.id,
			changedByName: `${actor.displayName} <${actor.email}>`,
			changedAt: new Date()
		};
		await tx.maintenanceMode.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
		await recordPlatformAction(tx, {
			actor,
			action: input.active ? 'maintenance_started' : 'maintenance_ended',
			summary: input.active
				? before?.active
					? `Changed the maintenance message: "${message}".` // i18n-ignore: a stored audit record
					: `Put Podium into read-only maintenance: "${message}".` // i18n-ignore: a stored audit record
				: 'Ended the read-only maintenance.', // i18n-ignore: a stored audit record
			details: { from: before ?? null, to: { active: data.active, message: data.message } }
		});
		return { active: data.active, message: data.message };
	});
	forgetMaintenance();
	return done;
}
