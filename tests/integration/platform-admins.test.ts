import { describe, expect, it } from 'vitest';
import { main } from '../../src/lib/server/platform/cli';
import {
	grantPlatformAdmin,
	listPlatformAdmins,
	revokePlatformAdmin
} from '../../src/lib/server/platform/admins';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

/** Runs `npm run admin -- ...argv` in this process and captures what it prints. */
async function admin(...argv: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const status = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
	return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('the operator command (npm run admin)', () => {
	it('grants, lists and revokes, each recorded as done by the command', async () => {
		const person = await make.createUser({ firstName: 'Grace', email: 'grace.ops@example.test' });
		const granted = await admin('grant', '  Grace.Ops@Example.test ');
		expect(granted).toMatchObject({ status: 0, out: 'grace.ops@example.test is now a platform admin.' });
		expect((await db.user.findUniqueOrThrow({ where: { id: person.id } })).platformAdminSince).not.toBeNull();

		const listed = await admin('list');
		expect(listed.status).toBe(0);
		expect(listed.out).toContain('grace.ops@example.test');

		expect((await admin('grant', 'grace.ops@example.test')).out).toBe(
			'grace.ops@example.test is already a platform admin.'
		);
		expect(await admin('revoke', 'grace.ops@example.test')).toMatchObject({
			status: 0,
			out: 'grace.ops@example.test is no longer a platform admin.'
		});
		expect((await db.user.findUniqueOrThrow({ where: { id: person.id } })).platformAdminSince).toBeNull();

		const rows = await db.platformAuditLog.findMany({
			where: { targetUserId: person.id },
			orderBy: { createdAt: 'asc' }
		});
		// The repeated grant changed nothing, so it is not recorded.
		expect(rows.map((row) => row.action)).toEqual(['platform_admin_granted', 'platform_admin_revoked']);
		expect(rows.every((row) => row.actorId === null && row.actorName.startsWith('operator command ('))).toBe(
			true
		);
	});

	it('says clearly that an unknown address has no account, and changes nothing', async () => {
		const before = await db.platformAuditLog.count();
		const result = await admin('grant', 'nobody-here@example.test');
		expect(result.status).toBe(1);
		expect(result.err).toMatch(/Nobody has signed in with nobody-here@example\.test/);
		expect(await db.platformAuditLog.count()).toBe(before);
	});

	it('shows its usage for a wrong verb or a missing address (exit 2)', async () => {
		for (const argv of [
			[],
			['promote', 'a@example.test'],
			['grant'],
			['grant', 'a@b.c', 'extra'],
			['list', 'x']
		]) {
			const result = await admin(...argv);
			expect(result.status, argv.join(' ')).toBe(2);
			expect(result.err).toMatch(/Usage: npm run admin -- grant <email>/);
		}
		expect((await admin('--help')).status).toBe(0);
	});
});

describe('platform admins granted by another platform admin', () => {
	it('records the admin as the actor, and lists the new admin', async () => {
		const boss = await make.createUser({ firstName: 'Boss' });
		const newcomer = await make.createUser({ firstName: 'Newcomer' });
		const actor = { id: boss.id, displayName: boss.displayName, email: boss.email };
		expect(await grantPlatformAdmin(actor, newcomer.email)).toEqual({ email: newcomer.email, changed: true });
		expect((await listPlatformAdmins()).map((a) => a.email)).toContain(newcomer.email);
		const row = await db.platformAuditLog.findFirstOrThrow({ where: { targetUserId: newcomer.id } });
		expect(row).toMatchObject({ actorId: boss.id, action: 'platform_admin_granted' });
		expect(row.actorName).toContain(boss.email);
		await expect(revokePlatformAdmin(actor, 'unknown-person@example.test')).rejects.toThrow(RuleViolation);
	});
});
