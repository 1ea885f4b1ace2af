import { Prisma } from '../generated/prisma/client.ts';
import { config } from '../config.ts';
import { db } from '../db.ts';
import { log } from '../log.ts';
import { countSignInMail } from '../metrics.ts';
import { MailDeliveryError, readMailSettings, sendMail, type MailSettings } from '../mail.ts';
import { consumeRateLimit, pruneRateLimits } from '../rate-limit.ts';
import { refuseDisposableEmail } from './disposable.ts';
import { safeRedirectPath } from './redirect.ts';
import { createSession, pruneExpiredSessions, type Session } from './sessions.ts';
import { generateToken, hashToken, looksLikeToken } from './tokens.ts';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';

export const SIGN_IN_LINK_LIFETIME_MS = 15 * 60 * 1000;

/**
 * Sign-in requests allowed per window. Per email address: enough for a few retries, too few to flood an
 * inbox. Per client address: much higher, because a venue's Wi-Fi puts a whole hackathon behind one NAT
 * address, and at kickoff a few hundred people ask for a link within minutes; 300 per 15 minutes covers a
 * 300-person room arriving at once and still caps one machine at 1,200 mails an hour (each address at 5).
 */
export const SIGN_IN_LIMITS = {
	perEmail: { limit: 5, windowMs: 15 * 60 * 1000 },
	perClient: { limit: 300, windowMs: 15 * 60 * 1000 }
};

/** SIGN_IN_CLIENT_LIMIT overrides the per-client limit, for a venue bigger than a few hundred people. */
function clientLimit(): number {
	return config().signInClientLimit;
}

export type SignInRequestResult =
	| { status: 'sent' }
	| { status: 'rate-limited'; retryAfterSeconds: number }
	| { status: 'mail-failed' }
	| { status: 'refused'; message: string };

/** The identity form of an address: trimmed and lower-cased, as `users.email` stores it. */
export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

/**
 * Emails a sign-in link to `email`, whether or not it has an account (the answer must not tell), within
 * the per-address and per-client limits. The link points at ORIGIN (config), or `origin` when given
 * (tests): never at an address taken from the request.
 */
export async function requestSignInLink(input: {
	email: string;
	redirectTo?: string | null;
	clientAddress: string;
	origin?: string;
	mail?: MailSettings;
	now?: Date;
	/** Overrides BLOCK_DISPOSABLE_EMAIL (tests). */
	blockDisposable?: boolean;
}): Promise<SignInRequestResult> {
	const email = normaliseEmail(input.email);
	// Refused whether or not the address has an account, so the answer tells nothing about accounts.
	const refusal = refuseDisposableEmail(email, input.blockDisposable);
	if (refusal) return { status: 'refused', message: refusal };
	const { perEmail } = SIGN_IN_LIMITS;
	const perClient = { ...SIGN_IN_LIMITS.perClient, limit: clientLimit() };
	const byEmail = await consumeRateLimit(`sign-in:email:${email}`, perEmail.limit, perEmail.windowMs);
	if (!byEmail.allowed) return { status: 'rate-limited', retryAfterSeconds: byEmail.retryAfterSeconds };
	const byClient = await consumeRateLimit(
		`sign-in:client:${input.clientAddress}`,
		perClient.limit,
		perClient.windowMs
	);
	if (!byClient.allowed) return { status: 'rate-limited', retryAfterSeconds: byClient.retryAfterSeconds };

	const now = input.now ?? new Date();
	const token = generateToken();
	const link = await db.signInLink.create({
		data: {
			tokenHash: hashToken(token),
			email,
			redirectTo: safeRedirectPath(input.redirectTo),
			expiresAt: new Date(now.getTime() + SIGN_IN_LINK_LIFETIME_MS)
		},
		select: { id: true }
	});
	const url = new URL('/sign-in/verify', input.origin ?? config().origin);
	url.searchParams.set('token', token);
	const settings = input.mail ?? readMailSettings();
	let delivery;
	try {
		delivery = await sendMail({ to: email, ...composeSignInMail(url.toString()) }, settings);
	} catch (error) {
		if (!(error instanceof MailDeliveryError)) throw error;
		countSignInMail('failed');
		log.error(`Sign-in mail to ${email} failed: ${error.message}`);
		// A link nobody received must not stay usable.
		await db.signInLink.deleteMany({ where: { id: link.id } });
		return { status: 'mail-failed' };
	}
	countSignInMail('sent');
	// Never the link: it signs in whoever reads it, and logs are read by more people than mail is.
	if (delivery.transport === 'outbox')
		log.info(`Sign-in mail for ${email} is in the outbox: ${delivery.file}`);
	// Housekeeping on the way: cheap indexed deletes, so no scheduler is needed.
	if (Math.random() < 0.02) await pruneAuthTables(now);
	return { status: 'sent' };
}

function composeSignInMail(link: string) {
	const minutes = SIGN_IN_LINK_LIFETIME_MS / 60_000;
	const text = [
		m.server_mail_hi(),
		'',
		m.server_signin_mail_open(),
		'',
		link,
		'',
		m.server_signin_mail_lifetime({ minutes }),
		m.server_signin_mail_ignore()
	].join('\n');
	const html = `<!doctype html>
<html lang="${getLocale()}"><body style="font-family: sans-serif; line-height: 1.5">
<p>${m.server_mail_hi()}</p>
<p><a href="${link}" style="display: inline-block; padding: 10px 16px; background: #4f46e5; color: #fff; border-radius: 6px; text-decoration: none">${m.server_signin_mail_button()}</a></p>
<p>${m.server_signin_mail_paste()}<br>${link}</p>
<p>${m.server_signin_mail_lifetime({ minutes })} ${m.server_signin_mail_ignore()}</p>
</body></html>`;
	return { subject: m.server_signin_mail_subject(), text, html };
}

export type SignInLinkState =
	{ state: 'valid'; email: string } | { state: 'expired' | 'used'; email: string } | { state: 'invalid' };

/** What a link's token is worth, without using it (the page that shows the "Sign in" button). */
export async function inspectSignInLink(token: unknown, now = new Date()): Promise<SignInLinkState> {
	if (!looksLikeToken(token)) return { state: 'invalid' };
	const link = await db.signInLink.findUnique({
		where: { tokenHash: hashToken(token) },
		select: { email: true, expiresAt: true, usedAt: true }
	});
	if (!link) return { state: 'invalid' };
	if (link.usedAt) return { state: 'used', email: link.email };
	if (link.expiresAt.getTime() <= now.getTime()) return { state: 'expired', email: link.email };
	return { state: 'valid', email: link.email };
}

export type SignInResult =
	| {
			ok: true;
			token: string;
			session: Session;
			redirectTo: string;
			profileComplete: boolean;
	  }
	| { ok: false; state: 'expired' | 'used' | 'invalid'; email?: string };

/**
 * Uses a sign-in link: marks it used (at most once, even under concurrent clicks), finds or creates the
 * user of its address and starts a session. Users imported from Airtable are found by their address.
 */
export async function signInWithLink(token: unknown, now = new Date()): Promise<SignInResult> {
	if (!looksLikeToken(token)) return { ok: false, state: 'invalid' };
	const tokenHash = hashToken(token);
	// The conditional update is the claim: of two concurrent clicks only one sees count 1.
	const claimed = await db.signInLink.updateMany({
		where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
		data: { usedAt: now }
	});
	if (claimed.count !== 1) {
		const state = await inspectSignInLink(token, now);
		if (state.state === 'valid') return { ok: false, state: 'used', email: state.email };
		return { ok: false, ...state };
	}
	const link = await db.signInLink.findUniqueOrThrow({
		where: { tokenHash },
		select: { email: true, redirectTo: true }
	});
	const user = await findOrCreateUser(link.email, now);
	// Other links sent to the same address are spent too: one sign-in per batch of mails.
	await db.signInLink.updateMany({
		where: { email: link.email, usedAt: null },
		data: { usedAt: now }
	});
	const { token: sessionToken, session } = await createSession(user.id, now);
	return {
		ok: true,
		token: sessionToken,
		session,
		redirectTo: safeRedirectPath(link.redirectTo),
		profileComplete: user.profileCompletedAt !== null
	};
}

/** The user of `email`, created (profile still to fill in) if there is none; used by every way of signing in. */
export async function findOrCreateUser(email: string, now: Date) {
	const select = { id: true, firstName: true, profileCompletedAt: true } as const;
	let user = await db.user.findUnique({ where: { email }, select });
	if (!user) {
		try {
			user = await db.user.create({ data: { email }, select });
		} catch (error) {
			// Two links of the same new address used at the same moment: the other one created the row.
			if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
			user = await db.user.findUniqueOrThrow({ where: { email }, select });
		}
	}
	if (!user.profileCompletedAt && user.firstName.trim() !== '') {
		// Imported from Airtable with a profile already filled in: do not ask for it again.
		user = await db.user.update({ where: { id: user.id }, data: { profileCompletedAt: now }, select });
	}
	return user;
}

/** Deletes expired sessions, sign-in links and codes, and rate-limit windows. */
export async function pruneAuthTables(now = new Date()): Promise<void> {
	await pruneExpiredSessions(now);
	const dayAgo = new Date(now.getTime() - 24 * 3600_000);
	await db.signInLink.deleteMany({ where: { expiresAt: { lte: dayAgo } } });
	// Organiser-issued codes (sign-in-codes.ts); the audit log keeps their story.
	await db.signInCode.deleteMany({ where: { expiresAt: { lte: dayAgo } } });
	await pruneRateLimits();
}
