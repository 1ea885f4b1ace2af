import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { lockOwnedEvent, type Actor } from '../admin/access.ts';
import { recordAuditEntry } from '../admin/audit.ts';
import { db } from '../db.ts';
import { consumeRateLimit } from '../rate-limit.ts';
import { RuleViolation } from '../rules.ts';
import { refuseDisposableEmail } from './disposable.ts';
import { createSession, type Session } from './sessions.ts';
import { normaliseEmail } from './sign-in-links.ts';
import { m } from '../../paraglide/messages.js';

// An event's owner can hand an attendee a code to type on the sign-in page, for someone who cannot get
// their mail at the venue. The owner could sign in as that attendee with it; that is why codes are only
// for the event's own attendees (never for platform admins), short-lived, single-use and audited.

export const SIGN_IN_CODE_LIFETIME_MS = 15 * 60 * 1000;

// Read aloud or copied from a screen: no O/0 or I/1. 10 characters of 32: 50 bits.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

/** Wrong codes allowed per window: per address (guessing one person's code) and per client. */
export const SIGN_IN_CODE_LIMITS = {
	perEmail: { limit: 5, windowMs: 15 * 60 * 1000 },
	perClient: { limit: 100, windowMs: 15 * 60 * 1000 }
};

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** How a code is shown and typed: two groups of five, e.g. `K7Q2M-XH4PA`. */
export function formatSignInCode(code: string): string {
	return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A typed code as generated: case, spaces and dashes do not matter. */
export function normaliseSignInCode(input: string): string {
	return input.replace(/[\s-]+/g, '').toUpperCase();
}

function generateCode(): string {
	let code = '';
	for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
	return code;
}

/**
 * What the database keeps of a code. A slow, salted hash rather than the SHA-256 of session tokens: a
 * code has only 50 bits, which a fast hash of a leaked table would give away.
 */
export async function hashSignInCode(code: string): Promise<string> {
	const salt = randomBytes(16);
	const hash = await scryptAsync(code, salt, 32);
	return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

async function codeMatches(code: string, stored: string): Promise<boolean> {
	const [scheme, saltHex, hashHex] = stored.split('$');
	if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
	const hash = await scryptAsync(code, Buffer.from(saltHex, 'hex'), 32);
	return timingSafeEqual(hash, Buffer.from(hashHex, 'hex'));
}

/**
 * Issues a sign-in code for the attendee of `eventId` with address `email`, on behalf of the event's
 * owner (checked again here). Earlier unused codes of that attendee for this event stop working. Returns
 * the code (shown once, never stored) and when it expires.
 */
export async function issueSignInCode(actor: Actor, eventId: string, email: string, now = new Date()) {
	const address = normaliseEmail(email);
	const code = generateCode();
	const codeHash = await hashSignInCode(code);
	return db.$transaction(async (tx) => {
		const event = await lockOwnedEvent(tx, actor.id, eventId);
		const attendee = await tx.eventAttendee.findFirst({
			where: { eventId, user: { email: address, deletedAt: null } },
			select: { user: { select: { id: true, email: true, displayName: true, platformAdminSince: true } } }
		});
		if (!attendee) {
			throw new RuleViolation(m.server_code_not_attendee({ address }));
		}
		if (attendee.user.platformAdminSince) {
			throw new RuleViolation(m.server_code_admin());
		}
		const expiresAt = new Date(now.getTime() + SIGN_IN_CODE_LIFETIME_MS);
		await tx.signInCode.updateMany({
			where: { eventId, userId: attendee.user.id, usedAt: null, expiresAt: { gt: now } },
			data: { expiresAt: now }
		});
		await tx.signInCode.create({ data: { eventId, userId: attendee.user.id, codeHash, expiresAt } });
		await recordAuditEntry(tx, {
			event,
			actor,
			action: 'sign_in_code_issued',
			// i18n-ignore: the audit record is stored, and read by every owner in one language
			summary: `Issued a sign-in code for ${attendee.user.email}, valid until ${expiresAt.toISOString()}.`,
			details: { userId: attendee.user.id, expiresAt: expiresAt.toISOString() }
		});
		return { code: formatSignInCode(code), email: attendee.user.email, expiresAt };
	});
}

export type CodeSignInResult =
	| { ok: true; token: string; session: Session; redirectTo: string; profileComplete: boolean }
	| { ok: false; message: string; retryAfterSeconds?: number };

const WRONG_CODE = () => m.server_code_wrong();

/**
 * Signs in with an organiser-issued code: within the limits, finds the attendee's unused, unexpired code
 * that matches, spends it (once, even under concurrent attempts), audits the use and starts a session.
 * Every failure gets the same sentence: it must not tell which addresses have codes.
 */
export async function signInWithCode(input: {
	email: string;
	code: string;
	clientAddress: string;
	now?: Date;
	blockDisposable?: boolean;
}): Promise<CodeSignInResult> {
	const now = input.now ?? new Date();
	const email = normaliseEmail(input.email);
	const refusal = refuseDisposableEmail(email, input.blockDisposable);
	if (refusal) return { ok: false, message: refusal };
	const { perEmail, perClient } = SIGN_IN_CODE_LIMITS;
	for (const [key, limit] of [
		[`sign-in-code:email:${email}`, perEmail],
		[`sign-in-code:client:${input.clientAddress}`, perClient]
	] as const) {
		const hit = await consumeRateLimit(key, limit.limit, limit.windowMs);
		if (!hit.allowed) {
			return {
				ok: false,
				message: m.server_code_too_many({ minutes: Math.ceil(hit.retryAfterSeconds / 60) }),
				retryAfterSeconds: hit.retryAfterSeconds
			};
		}
	}
	const code = normaliseSignInCode(input.code);
	if (code.length !== CODE_LENGTH) return { ok: false, message: WRONG_CODE() };
	const candidates = await db.signInCode.findMany({
		where: { user: { email, deletedAt: null }, usedAt: null, expiresAt: { gt: now } },
		select: {
			id: true,
			codeHash: true,
			event: { select: { id: true, name: true, slug: true } },
			user: {
				select: { id: true, email: true, displayName: true, firstName: true, profileCompletedAt: true }
			}
		}
	});
	for (const candidate of candidates) {
		if (!(await codeMatches(code, candidate.codeHash))) continue;
		// The conditional update is the claim: of two concurrent attempts only one sees count 1.
		const claimed = await db.$transaction(async (tx) => {
			const { count } = await tx.signInCode.updateMany({
				where: { id: candidate.id, usedAt: null, expiresAt: { gt: now } },
				data: { usedAt: now }
			});
			if (count !== 1) return false;
			const { user, event } = candidate;
			await recordAuditEntry(tx, {
				event,
				actor: {
					id: user.id,
					email: user.email,
					displayName: user.displayName || user.firstName || user.email
				},
				action: 'sign_in_code_used',
				summary: `${user.email} signed in with a sign-in code issued by the organiser.`,
				details: { userId: user.id, codeId: candidate.id }
			});
			return true;
		});
		if (!claimed) break;
		const { token, session } = await createSession(candidate.user.id, now);
		return {
			ok: true,
			token,
			session,
			redirectTo: `/events/${candidate.event.slug}`,
			profileComplete: candidate.user.profileCompletedAt !== null
		};
	}
	return { ok: false, message: WRONG_CODE() };
}
