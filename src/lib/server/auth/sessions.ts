import type { Cookies } from '@sveltejs/kit';
import { defaultDisplayName } from '../../display-name.ts';
import { batched } from '../batches.ts';
import { db } from '../db.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { generateToken, hashToken, looksLikeToken } from './tokens.ts';

// Sessions in the style of Lucia's guide: the cookie holds a random token, the database its SHA-256.

export const SESSION_COOKIE = 'podium_session';
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
/** A session used when less than this is left is extended to the full lifetime again. */
export const SESSION_RENEW_BEFORE_MS = 15 * DAY_MS;

/** Who is signed in, as `locals.user`: identity and names only, never the private profile fields. */
export interface SessionUser {
	id: string;
	email: string;
	firstName: string;
	lastName: string | null;
	/** What others see: the chosen display name, else the first name and last initial (empty until the profile is filled). */
	displayName: string;
	/** False until the first-sign-in profile step is done; requireUser sends such users there. */
	profileComplete: boolean;
	/** May use the app-wide admin area (/admin) and every event's owner pages. */
	isPlatformAdmin: boolean;
	/** The language chosen on the profile or with the language switcher; null or absent: the browser's. */
	locale?: string | null;
}

export interface Session {
	id: string;
	userId: string;
	expiresAt: Date;
}

export type SessionValidation =
	{ session: Session; user: SessionUser; renewed: boolean } | { session: null; user: null; renewed: false };

type SessionRow = Session & Omit<SessionUser, 'id' | 'displayName'> & { displayName: string };

/** Starts a session for a user; returns the token for the cookie (never stored) and the session. */
export async function createSession(
	userId: string,
	now = new Date()
): Promise<{ token: string; session: Session }> {
	const token = generateToken();
	const session = await db.session.create({
		data: { id: hashToken(token), userId, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) },
		select: { id: true, userId: true, expiresAt: true }
	});
	return { token, session };
}

const SESSION_COLUMNS = Prisma.sql`id, user_id AS "userId", expires_at AS "expiresAt", email,
	first_name AS "firstName", last_name AS "lastName", display_name AS "displayName",
	profile_complete AS "profileComplete", is_platform_admin AS "isPlatformAdmin", locale`;

// The session and its user in one statement: it runs on every request of a signed-in person, so the
// lookups of requests that arrive together are made together (batches.ts). The database functions keep
// their plans (prisma/migrations/20261129080000_planned_once, 20261130090000_batches).
const sessionRowOf = batched<string, SessionRow | undefined>({
	name: 'session_of',
	atOnce: 2,
	most: 50,
	alone: async (id) => {
		const [row] = await db.$queryRaw<SessionRow[]>`SELECT ${SESSION_COLUMNS} FROM session_of(${id})`;
		return row;
	},
	together: async (ids) => {
		const rows = await db.$queryRaw<(SessionRow & { n: number })[]>`
			SELECT n, ${SESSION_COLUMNS} FROM sessions_of(${ids}::text[])`;
		const found: (SessionRow | undefined)[] = ids.map(() => undefined);
		for (const { n, ...row } of rows) found[n - 1] = row;
		return found;
	}
});

/** Resolves a cookie's token to its session and user; expired sessions are deleted, used ones extended. */
export async function validateSessionToken(
	token: string | undefined,
	now = new Date()
): Promise<SessionValidation> {
	const none = { session: null, user: null, renewed: false } as const;
	if (!looksLikeToken(token)) return none;
	const row = await sessionRowOf(hashToken(token));
	if (!row) return none;
	if (row.expiresAt.getTime() <= now.getTime()) {
		await db.session.deleteMany({ where: { id: row.id } });
		return none;
	}
	let expiresAt = row.expiresAt;
	const renewed = expiresAt.getTime() - now.getTime() < SESSION_RENEW_BEFORE_MS;
	if (renewed) {
		expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
		await db.session.updateMany({ where: { id: row.id }, data: { expiresAt } });
	}
	return {
		session: { id: row.id, userId: row.userId, expiresAt },
		user: {
			id: row.userId,
			email: row.email,
			firstName: row.firstName,
			lastName: row.lastName,
			displayName: row.displayName || defaultDisplayName(row.firstName, row.lastName),
			profileComplete: row.profileComplete,
			isPlatformAdmin: row.isPlatformAdmin,
			locale: row.locale
		},
		renewed
	};
}

/** Ends one session (sign-out). */
export async function invalidateSession(sessionId: string): Promise<void> {
	await db.session.deleteMany({ where: { id: sessionId } });
}

/** Ends every session of a user ("sign out of all devices"); returns how many there were. */
export async function invalidateUserSessions(userId: string): Promise<number> {
	const { count } = await db.session.deleteMany({ where: { userId } });
	return count;
}

/** Deletes sessions past their expiry; they can no longer sign anyone in. */
export async function pruneExpiredSessions(now = new Date()): Promise<number> {
	const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
	return count;
}

// Secure whenever the app is served over https (production behind TLS); plain http only in development
// and the browser tests on 127.0.0.1, where a Secure cookie would not be sent back.
const cookieOptions = (url: URL) =>
	({ path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' }) as const;

/** Writes the session cookie, expiring with the session. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, { ...cookieOptions(url), expires: expiresAt });
}

/** Removes the session cookie from the browser. */
export function deleteSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, cookieOptions(url));
}
