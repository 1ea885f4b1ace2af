import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateSessionToken } from '../../src/lib/server/auth/sessions';
import {
	SIGN_IN_LIMITS,
	inspectSignInLink,
	requestSignInLink,
	signInWithLink
} from '../../src/lib/server/auth/sign-in-links';
import { hashToken } from '../../src/lib/server/auth/tokens';
import type { MailSettings } from '../../src/lib/server/mail';
import { db } from '../helpers/db';
import { createEvent, createProject } from '../helpers/factories';

const outbox = mkdtempSync(path.join(tmpdir(), 'podium-outbox-'));
afterAll(() => rmSync(outbox, { recursive: true, force: true }));
const mail: MailSettings = { transport: 'outbox', dir: outbox, from: 'Podium <podium@example.test>' };
const origin = 'https://podium.example.test';

let client = 0;
/** Each test its own client address, so the per-client limit of one test does not touch another. */
const nextClient = () => `198.51.100.${++client}`;

function request(email: string, redirectTo?: string, clientAddress = nextClient()) {
	return requestSignInLink({ email, redirectTo, clientAddress, origin, mail });
}

/** The token of the newest message to `email` in the outbox, read as a person would: from the text. */
function tokenFromOutbox(email: string): string {
	const files = readdirSync(outbox)
		.filter((f) => f.endsWith('.eml'))
		.sort()
		.reverse();
	for (const file of files) {
		const raw = readFileSync(path.join(outbox, file), 'utf8');
		if (!new RegExp(`^To: ${email}\\r?$`, 'mi').test(raw)) continue;
		const decoded = raw
			.replace(/=\r?\n/g, '')
			.replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
		const match = decoded.match(/https:\/\/podium\.example\.test\/sign-in\/verify\?token=([a-z2-7]{32})/);
		if (match) return match[1];
	}
	throw new Error(`no sign-in mail to ${email}`);
}

describe('requesting a sign-in link', () => {
	it('mails a link with text and HTML bodies and stores only the hash of its token', async () => {
		expect(await request(' New.Person@Example.TEST ', '/events/x?y=1')).toEqual({ status: 'sent' });
		const token = tokenFromOutbox('new.person@example.test');
		const file = readdirSync(outbox)
			.filter((f) => f.endsWith('.eml'))
			.sort()
			.at(-1)!;
		const raw = readFileSync(path.join(outbox, file), 'utf8');
		expect(raw).toMatch(/^From: Podium <podium@example\.test>\r$/m);
		expect(raw).toMatch(/^Subject: Your Podium sign-in link\r$/m);
		expect(raw).toMatch(/Content-Type: text\/plain/);
		expect(raw).toMatch(/Content-Type: text\/html/);
		expect(raw).toContain('\r\n');

		const link = await db.signInLink.findFirstOrThrow({ where: { email: 'new.person@example.test' } });
		expect(link.tokenHash).toBe(hashToken(token));
		expect(JSON.stringify(link)).not.toContain(token);
		expect(link.redirectTo).toBe('/events/x?y=1');
		expect(link.expiresAt.getTime() - link.createdAt.getTime()).toBeCloseTo(15 * 60 * 1000, -3);
		// No account is created just by asking: only using the link does that.
		expect(await db.user.count({ where: { email: 'new.person@example.test' } })).toBe(0);
	});

	it('answers the same for an address with and without an account', async () => {
		await db.user.create({
			data: { email: 'known@example.test', firstName: 'Kno', profileCompletedAt: new Date() }
		});
		expect(await request('known@example.test')).toEqual(await request('unknown@example.test'));
	});

	it('refuses a redirect to another site and keeps "/" instead', async () => {
		for (const target of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
			await request('redirect@example.test', target);
		}
		const links = await db.signInLink.findMany({ where: { email: 'redirect@example.test' } });
		expect(links.map((l) => l.redirectTo)).toEqual(['/', '/', '/']);
	});

	it(`allows ${SIGN_IN_LIMITS.perEmail.limit} requests per address per 15 minutes, then says how long to wait`, async () => {
		const results = [];
		for (let i = 0; i < SIGN_IN_LIMITS.perEmail.limit + 1; i++) {
			results.push(await request('limited@example.test'));
		}
		expect(results.slice(0, -1).every((r) => r.status === 'sent')).toBe(true);
		const last = results.at(-1)!;
		expect(last.status).toBe('rate-limited');
		expect(last.status === 'rate-limited' && last.retryAfterSeconds).toBeGreaterThan(14 * 60);
		expect(await db.signInLink.count({ where: { email: 'limited@example.test' } })).toBe(
			SIGN_IN_LIMITS.perEmail.limit
		);
		// Case and spaces do not make a new address.
		expect((await request(' LIMITED@example.test')).status).toBe('rate-limited');
	});

	it('limits one client address across many email addresses', async () => {
		const { limit } = SIGN_IN_LIMITS.perClient;
		const venue = '203.0.113.50';
		// Fill the window directly: sending hundreds of mails would only slow the test down.
		await db.rateLimit.create({
			data: { key: `sign-in:client:${venue}`, hits: limit, resetAt: new Date(Date.now() + 600_000) }
		});
		const refused = await request('someone@example.test', undefined, venue);
		expect(refused.status).toBe('rate-limited');
		expect((await request('someone@example.test', undefined, nextClient())).status).toBe('sent');
	});

	it('reports a failed send as a failure and leaves no usable link behind', async () => {
		// An outbox "folder" inside a plain file: the write fails as a full or read-only disk would.
		const blocker = path.join(outbox, 'not-a-folder');
		writeFileSync(blocker, '');
		const broken: MailSettings = {
			transport: 'outbox',
			dir: path.join(blocker, 'outbox'),
			from: 'x@example.test'
		};
		const result = await requestSignInLink({
			email: 'unlucky@example.test',
			clientAddress: nextClient(),
			origin,
			mail: broken
		});
		expect(result).toEqual({ status: 'mail-failed' });
		expect(await db.signInLink.count({ where: { email: 'unlucky@example.test' } })).toBe(0);
	});
});

describe('using a sign-in link', () => {
	it('signs a new person in once, creating the account with the profile still to fill in', async () => {
		await request('fresh@example.test', '/join/ABCD');
		const token = tokenFromOutbox('fresh@example.test');
		expect(await inspectSignInLink(token)).toEqual({ state: 'valid', email: 'fresh@example.test' });

		const result = await signInWithLink(token);
		if (!result.ok) throw new Error(`sign-in failed: ${result.state}`);
		expect(result.redirectTo).toBe('/join/ABCD');
		expect(result.profileComplete).toBe(false);
		const { user } = await validateSessionToken(result.token);
		expect(user?.email).toBe('fresh@example.test');

		expect(await signInWithLink(token)).toEqual({ ok: false, state: 'used', email: 'fresh@example.test' });
		expect(await inspectSignInLink(token)).toEqual({ state: 'used', email: 'fresh@example.test' });
	});

	it('refuses an expired link', async () => {
		await request('late@example.test');
		const token = tokenFromOutbox('late@example.test');
		const sixteenMinutesLater = new Date(Date.now() + 16 * 60 * 1000);
		expect(await inspectSignInLink(token, sixteenMinutesLater)).toEqual({
			state: 'expired',
			email: 'late@example.test'
		});
		expect(await signInWithLink(token, sixteenMinutesLater)).toEqual({
			ok: false,
			state: 'expired',
			email: 'late@example.test'
		});
		expect(await db.user.count({ where: { email: 'late@example.test' } })).toBe(0);
	});

	it('refuses a mangled link without touching the database', async () => {
		await request('mangled@example.test');
		const token = tokenFromOutbox('mangled@example.test');
		for (const bad of [
			token.slice(0, 20),
			`${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`,
			'',
			null,
			'x'.repeat(5000)
		]) {
			expect(await signInWithLink(bad)).toEqual({ ok: false, state: 'invalid' });
		}
		expect((await signInWithLink(token)).ok).toBe(true);
	});

	it('of two concurrent clicks on one link, exactly one signs in', async () => {
		await request('double@example.test');
		const token = tokenFromOutbox('double@example.test');
		const results = await Promise.all(Array.from({ length: 5 }, () => signInWithLink(token)));
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(await db.session.count({ where: { user: { email: 'double@example.test' } } })).toBe(1);
		expect(await db.user.count({ where: { email: 'double@example.test' } })).toBe(1);
	});

	it('a sign-in spends the other links sent to the same address', async () => {
		await request('two@example.test');
		const first = tokenFromOutbox('two@example.test');
		await new Promise((resolve) => setTimeout(resolve, 5));
		await request('two@example.test');
		const second = tokenFromOutbox('two@example.test');
		expect(second).not.toBe(first);
		expect((await signInWithLink(second)).ok).toBe(true);
		expect(await signInWithLink(first)).toMatchObject({ ok: false, state: 'used' });
	});

	it('an imported user signs in with their address and finds their data, profile kept', async () => {
		const imported = await db.user.create({
			data: {
				email: 'imported@example.test',
				firstName: 'Grace',
				lastName: 'Hopper',
				displayName: 'Grace H.',
				city: 'Arlington',
				airtableId: 'recIMPORTED0001'
			}
		});
		const event = await createEvent();
		const project = await createProject(event.id, { ownerId: imported.id, name: 'Compiler' });

		await request('Imported@Example.test', '/');
		const result = await signInWithLink(tokenFromOutbox('imported@example.test'));
		if (!result.ok) throw new Error('sign-in failed');
		expect(result.profileComplete).toBe(true);
		const { user } = await validateSessionToken(result.token);
		expect(user).toMatchObject({ id: imported.id, displayName: 'Grace H.', profileComplete: true });
		const owned = await db.project.findMany({ where: { ownerId: user!.id }, select: { id: true } });
		expect(owned).toEqual([{ id: project.id }]);
		expect(await db.user.count()).toBeGreaterThan(0);
		expect(await db.user.count({ where: { email: 'imported@example.test' } })).toBe(1);
	});
});
