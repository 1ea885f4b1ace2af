import { describe, expect, it } from 'vitest';
import { validateSessionToken } from '../../src/lib/server/auth/sessions';
import {
	SIGN_IN_CODE_LIFETIME_MS,
	issueSignInCode,
	normaliseSignInCode,
	signInWithCode
} from '../../src/lib/server/auth/sign-in-codes';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createUser } from '../helpers/factories';

let client = 0;
const nextClient = () => `203.0.113.${++client}`;

/** An event with its owner and one attendee. */
async function setup() {
	const owner = await createUser();
	const event = await createEvent({ ownerId: owner.id });
	const attendee = await createUser();
	await addAttendee(event.id, attendee.id);
	return { owner, event, attendee };
}

const signIn = (email: string, code: string, now?: Date) =>
	signInWithCode({ email, code, clientAddress: nextClient(), now });

describe('organiser-issued sign-in codes', () => {
	it('sign the attendee in once: a session for them, and the code is spent', async () => {
		const { owner, event, attendee } = await setup();
		const issued = await issueSignInCode(owner, event.id, ` ${attendee.email.toUpperCase()} `);
		expect(issued.code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
		expect(issued.email).toBe(attendee.email);

		// Typed in lower case without the dash: still the code.
		const result = await signIn(attendee.email, issued.code.replace('-', '').toLowerCase());
		expect(result).toMatchObject({ ok: true, redirectTo: `/events/${event.slug}`, profileComplete: true });
		if (!result.ok) throw new Error('unreachable');
		expect((await validateSessionToken(result.token)).user?.id).toBe(attendee.id);

		const again = await signIn(attendee.email, issued.code);
		expect(again).toEqual({ ok: false, message: expect.stringMatching(/used already or expired/) });
	});

	it('expire after 15 minutes', async () => {
		const { owner, event, attendee } = await setup();
		const issuedAt = new Date();
		const { code } = await issueSignInCode(owner, event.id, attendee.email, issuedAt);
		const late = new Date(issuedAt.getTime() + SIGN_IN_CODE_LIFETIME_MS + 1000);
		expect(await signIn(attendee.email, code, late)).toMatchObject({ ok: false });
		const inTime = new Date(issuedAt.getTime() + SIGN_IN_CODE_LIFETIME_MS - 1000);
		expect(await signIn(attendee.email, code, inTime)).toMatchObject({ ok: true });
	});

	it('are stored only as a salted slow hash, never as the code', async () => {
		const { owner, event, attendee } = await setup();
		const { code } = await issueSignInCode(owner, event.id, attendee.email);
		const rows = await db.signInCode.findMany({ where: { userId: attendee.id } });
		expect(rows).toHaveLength(1);
		expect(rows[0].codeHash).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
		const raw = normaliseSignInCode(code);
		const table = JSON.stringify(await db.$queryRaw`SELECT * FROM sign_in_codes`);
		expect(table).not.toContain(raw);
		expect(table).not.toContain(code);
	});

	it('work only for the address they were issued for', async () => {
		const { owner, event, attendee } = await setup();
		const other = await createUser();
		await addAttendee(event.id, other.id);
		const { code } = await issueSignInCode(owner, event.id, attendee.email);
		expect(await signIn(other.email, code)).toMatchObject({ ok: false });
		expect(await signIn(attendee.email, code)).toMatchObject({ ok: true });
	});

	it('a new code replaces the attendee’s earlier unused one', async () => {
		const { owner, event, attendee } = await setup();
		const first = await issueSignInCode(owner, event.id, attendee.email);
		const second = await issueSignInCode(owner, event.id, attendee.email);
		expect(await signIn(attendee.email, first.code)).toMatchObject({ ok: false });
		expect(await signIn(attendee.email, second.code)).toMatchObject({ ok: true });
	});

	it('are audited: who issued a code for whom, and its use', async () => {
		const { owner, event, attendee } = await setup();
		const { code } = await issueSignInCode(owner, event.id, attendee.email);
		await signIn(attendee.email, code);
		const log = await db.eventAuditLog.findMany({
			where: { eventId: event.id },
			orderBy: { createdAt: 'asc' },
			select: { action: true, actorId: true, summary: true, details: true }
		});
		expect(log.map((row) => [row.action, row.actorId])).toEqual([
			['sign_in_code_issued', owner.id],
			['sign_in_code_used', attendee.id]
		]);
		expect(log[0].summary).toContain(attendee.email);
		// The audit log never holds the code.
		expect(JSON.stringify(log)).not.toContain(normaliseSignInCode(code));
	});

	it('are issued only by the event’s owner, only for its attendees, never for platform admins', async () => {
		const { owner, event, attendee } = await setup();
		const stranger = await createUser();
		await expect(issueSignInCode(stranger, event.id, attendee.email)).rejects.toThrow(/Only the owner/);
		await expect(issueSignInCode(owner, event.id, stranger.email)).rejects.toThrow(
			/does not attend this event/
		);
		const admin = await createUser();
		await db.user.update({ where: { id: admin.id }, data: { platformAdminSince: new Date() } });
		await addAttendee(event.id, admin.id);
		await expect(issueSignInCode(owner, event.id, admin.email)).rejects.toThrow(/Platform admins/);
		expect(await db.signInCode.count({ where: { eventId: event.id } })).toBe(0);
	});

	it('stop guessing: after 5 wrong codes for an address even the right one waits', async () => {
		const { owner, event, attendee } = await setup();
		const { code } = await issueSignInCode(owner, event.id, attendee.email);
		for (let i = 0; i < 5; i++)
			expect(await signIn(attendee.email, 'AAAAA-AAAAA')).toMatchObject({ ok: false });
		const limited = await signIn(attendee.email, code);
		expect(limited).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
		expect(await db.signInCode.count({ where: { userId: attendee.id, usedAt: { not: null } } })).toBe(0);
	});

	it('under concurrent use, sign in exactly once', async () => {
		const { owner, event, attendee } = await setup();
		const { code } = await issueSignInCode(owner, event.id, attendee.email);
		const results = await Promise.all([signIn(attendee.email, code), signIn(attendee.email, code)]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
	});
});
