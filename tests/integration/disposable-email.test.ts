import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDisposableEmail } from '../../src/lib/server/auth/disposable';
import { requestSignInLink } from '../../src/lib/server/auth/sign-in-links';
import { parseConfig } from '../../src/lib/server/config';
import type { MailSettings } from '../../src/lib/server/mail';
import { db } from '../helpers/db';

const outbox = mkdtempSync(path.join(tmpdir(), 'podium-outbox-'));
afterAll(() => rmSync(outbox, { recursive: true, force: true }));
const mail: MailSettings = { transport: 'outbox', dir: outbox, from: 'Podium <podium@example.test>' };

let client = 0;
function request(email: string, blockDisposable: boolean) {
	const clientAddress = `198.51.100.${++client}`;
	return requestSignInLink({
		email,
		clientAddress,
		origin: 'https://podium.example.test',
		mail,
		blockDisposable
	});
}

describe('disposable email domains', () => {
	it('knows the list: well-known throwaway domains and their subdomains, not ordinary providers', () => {
		expect(isDisposableEmail('someone@mailinator.com')).toBe(true);
		expect(isDisposableEmail(' Someone@YOPMAIL.com ')).toBe(true);
		expect(isDisposableEmail('someone@inbox.mailinator.com')).toBe(true);
		expect(isDisposableEmail('someone@gmail.com')).toBe(false);
		expect(isDisposableEmail('someone@hackclub.com')).toBe(false);
	});

	it('are off by default and on with BLOCK_DISPOSABLE_EMAIL=true', () => {
		expect(parseConfig({}, { production: false }).blockDisposableEmail).toBe(false);
		expect(parseConfig({ BLOCK_DISPOSABLE_EMAIL: 'true' }, { production: false }).blockDisposableEmail).toBe(
			true
		);
		expect(() => parseConfig({ BLOCK_DISPOSABLE_EMAIL: 'yes please' }, { production: false })).toThrow(
			/BLOCK_DISPOSABLE_EMAIL must be true or false/
		);
	});

	it('when blocked, get no sign-in link and a sentence saying why; nothing is stored or mailed', async () => {
		const result = await request('throwaway@mailinator.com', true);
		expect(result).toEqual({ status: 'refused', message: expect.stringMatching(/disposable-mail/) });
		expect(await db.signInLink.count({ where: { email: 'throwaway@mailinator.com' } })).toBe(0);
	});

	it('when blocking is on, other addresses still get their link', async () => {
		expect(await request('person@example.org', true)).toEqual({ status: 'sent' });
		expect(await db.signInLink.count({ where: { email: 'person@example.org' } })).toBe(1);
	});

	it('when blocking is off, disposable addresses sign in as before', async () => {
		expect(await request('allowed@mailinator.com', false)).toEqual({ status: 'sent' });
		expect(await db.signInLink.count({ where: { email: 'allowed@mailinator.com' } })).toBe(1);
	});
});
