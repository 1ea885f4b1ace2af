import type { Cookies } from '@sveltejs/kit';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeOidcSignIn, startOidcSignIn } from '../../src/lib/server/auth/oidc';
import { setMaintenance } from '../../src/lib/server/maintenance/mode';
import { db } from '../helpers/db';
import { createUser } from '../helpers/factories';

// Signing in with an OpenID Connect provider during read-only maintenance: as with an emailed link, only
// a platform admin gets in; anyone else is told why, and no account or session is made (both are
// writes). The whole flow runs against a local provider (oauth2-mock-server), as in tests/e2e/oidc.test.ts.

let provider: OAuth2Server;
let claims: Record<string, unknown> = {};

beforeAll(async () => {
	provider = new OAuth2Server();
	await provider.issuer.keys.generate('RS256');
	await provider.start(undefined, '127.0.0.1');
	provider.service.on('beforeTokenSigning', (token) => Object.assign(token.payload, claims));
});

afterAll(async () => {
	await provider?.stop();
});

/** The cookies of one browser, as much of SvelteKit's Cookies as the sign-in uses. */
function browserCookies(): Cookies {
	const jar = new Map<string, string>();
	return {
		get: (name: string) => jar.get(name),
		set: (name: string, value: string) => void jar.set(name, value),
		delete: (name: string) => void jar.delete(name)
	} as unknown as Cookies;
}

/** Starts a sign-in, lets the provider sign in `email` at once, and completes it as the callback does. */
async function signInWithProvider(email: string) {
	claims = { email, email_verified: true };
	const settings = {
		issuer: provider.issuer.url!,
		clientId: 'podium-test',
		clientSecret: 'podium-test-secret',
		name: 'Hack Club'
	};
	const cookies = browserCookies();
	const started = await startOidcSignIn({
		cookies,
		url: new URL('http://127.0.0.1/sign-in/oidc/start'),
		settings
	});
	if (!started.ok) throw new Error(started.message);
	const authorized = await fetch(started.location, { redirect: 'manual' });
	const callback = new URL(authorized.headers.get('location')!);
	return completeOidcSignIn({ cookies, url: callback, settings });
}

async function platformAdmin() {
	const user = await db.user.upsert({
		where: { email: 'oidc-maintenance-admin@example.test' },
		update: {},
		create: {
			email: 'oidc-maintenance-admin@example.test',
			firstName: 'Ada',
			displayName: 'Ada',
			platformAdminSince: new Date()
		}
	});
	return { user, admin: { id: user.id, displayName: user.displayName, email: user.email } };
}

describe('signing in with the provider during maintenance', () => {
	it('signs in nobody but platform admins, and makes no account for the others', async () => {
		const { user, admin } = await platformAdmin();
		const attendee = await createUser();
		const MESSAGE = 'Moving to the new server until 18:00 UTC.';
		await setMaintenance(admin, { active: true, message: MESSAGE });

		const refused = await signInWithProvider(attendee.email);
		expect(refused).toMatchObject({ ok: false, reason: 'maintenance' });
		expect(refused.ok ? '' : refused.message).toContain(MESSAGE);
		expect(await db.session.count({ where: { userId: attendee.id } })).toBe(0);

		const newcomer = `oidc-newcomer-${Date.now()}@example.test`;
		expect(await signInWithProvider(newcomer)).toMatchObject({ ok: false, reason: 'maintenance' });
		expect(await db.user.count({ where: { email: newcomer } })).toBe(0);

		const adminSignIn = await signInWithProvider(user.email);
		expect(adminSignIn).toMatchObject({ ok: true });
		expect(await db.session.count({ where: { userId: user.id } })).toBe(1);

		// Once it ends, the others sign in again.
		await setMaintenance(admin, { active: false });
		expect(await signInWithProvider(attendee.email)).toMatchObject({ ok: true });
	});
});
