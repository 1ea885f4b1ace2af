import { isRedirect, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { requireUser } from '../../src/lib/server/auth/guards';
import {
	SESSION_LIFETIME_MS,
	createSession,
	invalidateSession,
	invalidateUserSessions,
	pruneExpiredSessions,
	validateSessionToken,
	type SessionUser
} from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { renderMetrics } from '../../src/lib/server/metrics';
import { load as layoutLoad } from '../../src/routes/+layout.server';
import { db } from '../helpers/db';
import { createUser } from '../helpers/factories';

const DAY = 24 * 3600 * 1000;

describe('sessions', () => {
	it('stores only the hash of the token and resolves the token to the user', async () => {
		const user = await createUser({ firstName: 'Ada', lastName: 'Lovelace' });
		const { token, session } = await createSession(user.id);
		const row = await db.session.findUniqueOrThrow({ where: { id: session.id } });
		expect(row.id).toBe(hashToken(token));
		expect(row.id).not.toContain(token);
		expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeCloseTo(SESSION_LIFETIME_MS, -4);

		const result = await validateSessionToken(token);
		expect(result.user).toEqual({
			id: user.id,
			email: user.email,
			firstName: 'Ada',
			lastName: 'Lovelace',
			displayName: 'Ada E.',
			profileComplete: true,
			isPlatformAdmin: false,
			locale: null
		});
		expect(result.renewed).toBe(false);
	});

	it('refuses unknown, mangled and hashed tokens', async () => {
		const user = await createUser();
		const { token, session } = await createSession(user.id);
		expect((await validateSessionToken(undefined)).user).toBeNull();
		// One character changed (to one it is not already).
		const mangled = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
		expect((await validateSessionToken(mangled)).user).toBeNull();
		// Someone who read the table cannot use what is in it.
		expect((await validateSessionToken(session.id)).user).toBeNull();
	});

	it('is valid for 30 days, then expires and is deleted', async () => {
		const user = await createUser();
		const start = new Date();
		const { token, session } = await createSession(user.id, start);
		const justBefore = new Date(start.getTime() + SESSION_LIFETIME_MS - 1000);
		expect((await validateSessionToken(token, justBefore)).user?.id).toBe(user.id);
		// That use renewed it; look at the stored expiry again before going past it.
		const { expiresAt } = await db.session.findUniqueOrThrow({ where: { id: session.id } });
		expect((await validateSessionToken(token, new Date(expiresAt.getTime() + 1))).user).toBeNull();
		expect(await db.session.count({ where: { id: session.id } })).toBe(0);
	});

	it('is extended to 30 days when used in its second half, and not before', async () => {
		const user = await createUser();
		const start = new Date();
		const { token, session } = await createSession(user.id, start);

		const day10 = new Date(start.getTime() + 10 * DAY);
		const early = await validateSessionToken(token, day10);
		expect(early.renewed).toBe(false);
		expect(early.session?.expiresAt).toEqual(session.expiresAt);

		const day20 = new Date(start.getTime() + 20 * DAY);
		const late = await validateSessionToken(token, day20);
		expect(late.renewed).toBe(true);
		expect(late.session?.expiresAt.getTime()).toBe(day20.getTime() + SESSION_LIFETIME_MS);
		const stored = await db.session.findUniqueOrThrow({ where: { id: session.id } });
		expect(stored.expiresAt.getTime()).toBe(day20.getTime() + SESSION_LIFETIME_MS);

		// Used regularly, it never runs out: day 45 is past the first expiry but within the renewed one.
		const day45 = new Date(start.getTime() + 45 * DAY);
		expect((await validateSessionToken(token, day45)).user?.id).toBe(user.id);
	});

	it('sign-out ends one session; "all devices" ends every session of the user only', async () => {
		const [ada, bob] = [await createUser(), await createUser()];
		const phone = await createSession(ada.id);
		const laptop = await createSession(ada.id);
		const bobs = await createSession(bob.id);

		await invalidateSession(phone.session.id);
		expect((await validateSessionToken(phone.token)).user).toBeNull();
		expect((await validateSessionToken(laptop.token)).user?.id).toBe(ada.id);

		const third = await createSession(ada.id);
		expect(await invalidateUserSessions(ada.id)).toBe(2);
		expect((await validateSessionToken(laptop.token)).user).toBeNull();
		expect((await validateSessionToken(third.token)).user).toBeNull();
		expect((await validateSessionToken(bobs.token)).user?.id).toBe(bob.id);
	});

	it('looked up together when requests arrive together: each token gets its own user, or none', async () => {
		const users = [];
		for (let i = 0; i < 30; i++) users.push(await createUser({ firstName: `Voter ${i}` }));
		const tokens = [];
		for (const user of users) tokens.push((await createSession(user.id)).token);
		const signedOut = await createSession(users[0].id);
		await invalidateSession(signedOut.session.id);
		const lookups = async () => {
			const { body } = await renderMetrics();
			const line = body
				.split('\n')
				.find((l) => l.startsWith('podium_database_batch_size_count{call="session_of"} '));
			return Number(line?.split(' ')[1] ?? 0);
		};
		const before = await lookups();

		const results = await Promise.all([
			...tokens.map((token) => validateSessionToken(token)),
			validateSessionToken(signedOut.token),
			validateSessionToken(tokens[3].replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')))
		]);

		// Two go at once, alone; the rest wait for them and go together.
		expect(await lookups()).toBeLessThanOrEqual(before + 5);
		expect(results.slice(0, 30).map((r) => r.user?.id)).toEqual(users.map((u) => u.id));
		expect(results.slice(0, 30).map((r) => r.user?.firstName)).toEqual(users.map((u) => u.firstName));
		expect(results.slice(30).map((r) => r.user)).toEqual([null, null]);
	});

	it('looked up together by their key, not by reading the whole sessions table', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) ids.push((await createSession((await createUser()).id)).session.id);
		// A function keeps its plan: past its first five calls, one plan made without the ids. Ten calls.
		const scans = await db.$transaction(async (tx) => {
			const read = async () =>
				(
					await tx.$queryRaw<{ seq: number; idx: number }[]>`
						SELECT coalesce(seq_scan, 0)::int AS seq, coalesce(idx_scan, 0)::int AS idx
						FROM pg_stat_xact_user_tables WHERE relname = 'sessions'`
				)[0] ?? { seq: 0, idx: 0 };
			const before = await read();
			for (let i = 0; i < 10; i++) {
				const rows = await tx.$queryRaw<{ n: number }[]>`SELECT n FROM sessions_of(${ids}::text[])`;
				expect(rows.map((r) => r.n).sort()).toEqual([1, 2, 3]);
			}
			const after = await read();
			return { seq: after.seq - before.seq, idx: after.idx - before.idx };
		});
		expect(scans).toEqual({ seq: 0, idx: 30 });
	});

	it('pruning deletes only expired sessions', async () => {
		const user = await createUser();
		const old = await createSession(user.id, new Date(Date.now() - 31 * DAY));
		const current = await createSession(user.id);
		await pruneExpiredSessions();
		expect(await db.session.count({ where: { id: old.session.id } })).toBe(0);
		expect(await db.session.count({ where: { id: current.session.id } })).toBe(1);
	});

	it('a user without a profile yet has an empty display name and an incomplete profile', async () => {
		const user = await db.user.create({ data: { email: 'new@example.test' } });
		const { token } = await createSession(user.id);
		const { user: resolved } = await validateSessionToken(token);
		expect(resolved).toMatchObject({ firstName: '', displayName: '', profileComplete: false });
	});
});

function fakeEvent(path: string, user: SessionUser | null) {
	return {
		url: new URL(path, 'http://podium.test'),
		locals: { user, session: null }
	} as unknown as RequestEvent;
}

function redirectOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (error) {
		if (isRedirect(error)) return error.location;
		throw error;
	}
	return undefined;
}

describe('requireUser', () => {
	const complete: SessionUser = {
		id: 'u1',
		email: 'ada@example.test',
		firstName: 'Ada',
		lastName: null,
		displayName: 'Ada',
		profileComplete: true,
		isPlatformAdmin: false
	};

	it('returns the signed-in user with a complete profile', () => {
		expect(requireUser(fakeEvent('/events', complete))).toBe(complete);
	});

	it('sends a visitor to sign in, to come back to the same path and query', () => {
		expect(redirectOf(() => requireUser(fakeEvent('/join/ABCD?ref=qr', null)))).toBe(
			'/sign-in?redirectTo=%2Fjoin%2FABCD%3Fref%3Dqr'
		);
	});

	it('sends a user without a profile to the profile step first', () => {
		const incomplete = { ...complete, profileComplete: false };
		expect(redirectOf(() => requireUser(fakeEvent('/events', incomplete)))).toBe(
			'/welcome?redirectTo=%2Fevents'
		);
	});
});

describe('privacy of the root layout', () => {
	it('gives every page the display name only, never private or identifying fields', async () => {
		const user = await db.user.create({
			data: {
				email: 'private@example.test',
				firstName: 'Priv',
				lastName: 'Ate',
				displayName: 'Pat',
				phone: '+1 555 0100',
				street1: '1 Secret Lane',
				city: 'Hidden',
				zipCode: '00000',
				country: 'US',
				dob: new Date('2008-01-02'),
				profileCompletedAt: new Date()
			}
		});
		const { token } = await createSession(user.id);
		const { user: locals } = await validateSessionToken(token);
		// locals.user itself carries no private field, so nothing downstream can leak one by accident.
		expect(Object.keys(locals ?? {}).sort()).toEqual(
			[
				'displayName',
				'email',
				'firstName',
				'id',
				'isPlatformAdmin',
				'lastName',
				'locale',
				'profileComplete'
			].sort()
		);
		const data = await layoutLoad({
			locals: { user: locals, session: null },
			cookies: { get: () => undefined },
			depends: () => {}
		} as never);
		expect(data).toMatchObject({
			user: { displayName: 'Pat', isPlatformAdmin: false },
			maintenance: null,
			theme: 'system'
		});
		// Besides the words of the header, the footer and the error page, nothing else.
		expect(Object.keys(data ?? {}).sort()).toEqual(['errorWords', 'maintenance', 'theme', 'user', 'words']);
		expect(data?.user).toEqual({ displayName: 'Pat', isPlatformAdmin: false });
		expect(JSON.stringify(data)).not.toMatch(/555|Secret|Hidden|2008|private@/);
	});
});
