import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { config, parseConfig, type MailSettings } from './config.ts';

/** One message, always with a plain-text body and an HTML alternative. */
export interface MailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
}

export type { MailSettings };

export type MailDelivery = { transport: 'smtp'; messageId: string } | { transport: 'outbox'; file: string };

/** Raised when a message could not be handed over; the caller tells the person to retry. */
export class MailDeliveryError extends Error {}

/** The mail settings of the app, or (given `env`) those `env` describes (see src/lib/server/config.ts). */
export function readMailSettings(env?: NodeJS.ProcessEnv): MailSettings {
	return env ? parseConfig(env, { production: false }).mail : config().mail;
}

const smtpTransports = new Map<string, Transporter>();

function smtpTransport(url: string): Transporter {
	let transport = smtpTransports.get(url);
	if (!transport) {
		// Bounded waits: a stuck mail server must turn into "try again", not a request that never ends.
		transport = nodemailer.createTransport({
			url,
			connectionTimeout: 10_000,
			greetingTimeout: 10_000,
			socketTimeout: 20_000
		});
		smtpTransports.set(url, transport);
	}
	return transport;
}

// RFC 5322 text with CRLF line ends, exactly what would go over the wire.
const emlWriter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** Sends a message over SMTP, or writes it to the outbox; throws MailDeliveryError when that fails. */
export async function sendMail(
	message: MailMessage,
	settings: MailSettings = readMailSettings()
): Promise<MailDelivery> {
	// Quoted-printable keeps the .eml files readable and links intact for anyone who opens them.
	const mail = { ...message, from: settings.from, textEncoding: 'quoted-printable' as const };
	try {
		if (settings.transport === 'smtp') {
			const info = await smtpTransport(settings.url).sendMail(mail);
			return { transport: 'smtp', messageId: String(info.messageId) };
		}
		const info = await emlWriter.sendMail(mail);
		await mkdir(settings.dir, { recursive: true });
		// Time first, so a directory listing sorts oldest to newest.
		const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomUUID().slice(0, 8)}.eml`;
		const file = path.join(settings.dir, name);
		await writeFile(file, info.message as Buffer);
		return { transport: 'outbox', file };
	} catch (error) {
		throw new MailDeliveryError(`Could not send mail: ${(error as Error).message}`, { cause: error });
	}
}
