import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSignInLink } from '../../src/lib/server/auth/sign-in-links';
import { MailDeliveryError, readMailSettings, sendMail, type MailSettings } from '../../src/lib/server/mail';
import { db } from '../helpers/db';

// A real SMTP server on 127.0.0.1, run by this test: the app's nodemailer transport talks to it over TCP.

interface Received {
	from: string;
	to: string[];
	raw: string;
}

const received: Received[] = [];

function startServer(options: { rejectRecipient?: boolean } = {}) {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onRcptTo(address, _session, callback) {
			if (options.rejectRecipient) return callback(new Error('Mailbox unavailable'));
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('utf8')
				});
				callback();
			});
		}
	});
	return new Promise<{ server: SMTPServer; port: number }>((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const port = (server.server.address() as AddressInfo).port;
			resolve({ server, port });
		});
	});
}

let good: { server: SMTPServer; port: number };
let rejecting: { server: SMTPServer; port: number };

beforeAll(async () => {
	good = await startServer();
	rejecting = await startServer({ rejectRecipient: true });
});
afterAll(async () => {
	await new Promise<void>((resolve) => good.server.close(() => resolve()));
	await new Promise<void>((resolve) => rejecting.server.close(() => resolve()));
});

const smtp = (port: number): MailSettings => ({
	transport: 'smtp',
	url: `smtp://127.0.0.1:${port}`,
	from: 'Podium <no-reply@podium.example.test>'
});

describe('mail over SMTP', () => {
	it('reads SMTP_URL and MAIL_FROM, and falls back to the outbox without them', () => {
		expect(readMailSettings({ SMTP_URL: 'smtp://mail:25', MAIL_FROM: 'A <a@b.test>' })).toEqual({
			transport: 'smtp',
			url: 'smtp://mail:25',
			from: 'A <a@b.test>'
		});
		expect(readMailSettings({})).toMatchObject({
			transport: 'outbox',
			dir: expect.stringMatching(/\.data\/outbox$/)
		});
		expect(readMailSettings({ MAIL_OUTBOX_DIR: '/tmp/box' })).toMatchObject({ dir: '/tmp/box' });
	});

	it('delivers a message with plain-text and HTML bodies to a real SMTP server', async () => {
		const delivery = await sendMail(
			{ to: 'ada@example.test', subject: 'Hello', text: 'Plain body', html: '<p>HTML body</p>' },
			smtp(good.port)
		);
		expect(delivery.transport).toBe('smtp');
		const message = received.at(-1)!;
		expect(message.from).toBe('no-reply@podium.example.test');
		expect(message.to).toEqual(['ada@example.test']);
		expect(message.raw).toMatch(/^Subject: Hello\r$/m);
		expect(message.raw).toMatch(/Content-Type: multipart\/alternative/);
		expect(message.raw).toContain('Plain body');
		expect(message.raw).toContain('<p>HTML body</p>');
	});

	it('reports a refused recipient and an unreachable server as failures', async () => {
		const mail = { to: 'ada@example.test', subject: 'x', text: 'x', html: 'x' };
		await expect(sendMail(mail, smtp(rejecting.port))).rejects.toBeInstanceOf(MailDeliveryError);
		// Port 1 on the loopback: nothing listens there.
		await expect(sendMail(mail, smtp(1))).rejects.toBeInstanceOf(MailDeliveryError);
	});

	it('a sign-in request sends its link through SMTP, and a failed send is never reported as sent', async () => {
		const ok = await requestSignInLink({
			email: 'smtp-user@example.test',
			clientAddress: '192.0.2.1',
			origin: 'https://podium.example.test',
			mail: smtp(good.port)
		});
		expect(ok).toEqual({ status: 'sent' });
		const message = received.at(-1)!;
		expect(message.to).toEqual(['smtp-user@example.test']);
		const text = message.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
		expect(text).toMatch(/https:\/\/podium\.example\.test\/sign-in\/verify\?token=[a-z2-7]{32}/);

		const failed = await requestSignInLink({
			email: 'bounced@example.test',
			clientAddress: '192.0.2.1',
			origin: 'https://podium.example.test',
			mail: smtp(rejecting.port)
		});
		expect(failed).toEqual({ status: 'mail-failed' });
		expect(await db.signInLink.count({ where: { email: 'bounced@example.test' } })).toBe(0);
	});
});
