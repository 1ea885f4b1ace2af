import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requestSignInLink } from '../../src/lib/server/auth/sign-in-links';
import { PHASE_LABELS } from '../../src/lib/server/events';
import { inLocale } from '../../src/lib/server/i18n/locale';
import '../../src/lib/server/i18n/zod';
import type { MailSettings } from '../../src/lib/server/mail';
import { RuleViolation } from '../../src/lib/server/rules';
import { sendVotingReminders } from '../../src/lib/server/schedule/runner';
import { castBallot } from '../../src/lib/server/voting';
import { signInSchema } from '../../src/lib/schemas/profile';
import { projectSchema } from '../../src/lib/schemas/project';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// The server's own messages speak the language of the request (inLocale stands in for one here): rule
// refusals, form messages (ours and zod's own), and mails, which go in their reader's language.

const outbox = mkdtempSync(path.join(tmpdir(), 'podium-i18n-outbox-'));
afterAll(() => rmSync(outbox, { recursive: true, force: true }));
const mail: MailSettings = { transport: 'outbox', dir: outbox, from: 'Podium <podium@example.test>' };

/** The RuleViolation a promise is refused with. */
async function refusal(work: Promise<unknown>): Promise<RuleViolation> {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

/** A message in the outbox to `email`, as its reader sees it: subject and text, decoded. */
function mailTo(email: string): { subject: string; body: string }[] {
	return readdirSync(outbox)
		.map((file) => readFileSync(path.join(outbox, file), 'utf8'))
		.filter((raw) => raw.includes(`To: ${email}`))
		.map(readMail);
}

function readMail(raw: string): { subject: string; body: string } {
	const [head, ...rest] = raw.split(/\r?\n\r?\n/);
	const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
	const subject = (unfolded.match(/^Subject: (.*)$/m)?.[1] ?? '')
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
			kind.toLowerCase() === 'b'
				? Buffer.from(text, 'base64').toString('utf8')
				: decodeQuotedPrintable(text.replace(/_/g, ' '))
		);
	return { subject, body: decodeQuotedPrintable(rest.join('\n\n').replace(/=\r?\n/g, '')) };
}

const decodeQuotedPrintable = (text: string) =>
	text.replace(/(=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));

describe('a rule refusal', () => {
	it('speaks Spanish in a Spanish request and English outside one', async () => {
		const event = await createEvent({ phase: 'submission' });
		const project = await createProject(event.id);
		const voter = await createUser();
		await addAttendee(event.id, voter.id);
		await db.event.update({ where: { id: event.id }, data: { phase: 'closed' } });

		const spanish = await inLocale('es', () => refusal(castBallot(voter.id, event.id, [project.id])));
		expect(spanish.message).toBe(
			'La votación de este evento está cerrada: ya no se pueden cambiar las papeletas.'
		);
		expect(spanish.status).toBe(409);
		const english = await refusal(castBallot(voter.id, event.id, [project.id]));
		expect(english.message).toBe('Voting has closed for this event: ballots can no longer change.');
	});

	it('reads a label when it is used, not when the module loaded', () => {
		expect(inLocale('es', () => PHASE_LABELS.voting)).toBe('Votación abierta');
		expect(PHASE_LABELS.voting).toBe('Voting open');
	});
});

describe('a form refusal', () => {
	const issues = (result: { success: boolean; error?: z.ZodError }) =>
		Object.fromEntries((result.error?.issues ?? []).map((issue) => [String(issue.path[0]), issue.message]));

	it('gives our own messages in the language of the request', () => {
		const spanish = inLocale('es', () => issues(signInSchema.safeParse({ email: 'not-an-email' })));
		expect(spanish.email).toBe('Eso no parece una dirección de correo.');
		const english = issues(signInSchema.safeParse({ email: 'not-an-email' }));
		expect(english.email).toBe('That does not look like an email address.');

		const project = { name: '', hoursSpent: '-1', repoUrl: 'ftp://example.test/repo' };
		const es = inLocale('es', () => issues(projectSchema.safeParse(project)));
		expect(es).toMatchObject({
			name: 'Ponle un nombre al proyecto.',
			repoUrl: 'El enlace al repositorio debe ser un enlace http:// o https://.',
			hoursSpent: 'Las horas dedicadas no pueden ser negativas.'
		});
		expect(issues(projectSchema.safeParse(project))).toMatchObject({
			name: 'Give the project a name.',
			repoUrl: 'The repository link must be an http:// or https:// link.',
			hoursSpent: 'Hours spent cannot be negative.'
		});
	});

	it("gives zod's own messages (a check without one of ours) in the language of the request", () => {
		// redirectTo has no message of ours: a number there gets zod's own.
		const spanish = inLocale('es', () =>
			issues(signInSchema.safeParse({ email: 'a@b.test', redirectTo: 7 }))
		);
		expect(spanish.redirectTo).toBe('Entrada inválida: se esperaba texto, recibido número');
		const english = issues(signInSchema.safeParse({ email: 'a@b.test', redirectTo: 7 }));
		expect(english.redirectTo).toBe('Invalid input: expected string, received number');
	});
});

describe('mails', () => {
	it('sign-in mail: in the language of the request that asked for it', async () => {
		const asked = (email: string) =>
			requestSignInLink({ email, clientAddress: '192.0.2.7', origin: 'http://podium.test', mail });
		await inLocale('es', () => asked('lucia@example.test'));
		await asked('lucy@example.test');

		const [spanish] = mailTo('lucia@example.test');
		expect(spanish.subject).toBe('Tu enlace para iniciar sesión en Podium');
		expect(spanish.body).toContain('Abre este enlace para iniciar sesión en Podium:');
		expect(spanish.body).toContain('El enlace funciona una sola vez, durante los próximos 15 minutos.');
		const [english] = mailTo('lucy@example.test');
		expect(english.subject).toBe('Your Podium sign-in link');
		expect(english.body).toContain('Open this link to sign in to Podium:');
	});

	it("voting reminder: in each recipient's saved language, else English, whatever the scheduler's", async () => {
		const event = await createEvent({ phase: 'submission', name: 'Hackatón Norte' });
		await createProject(event.id);
		const ana = await createUser({ firstName: 'Ana' });
		const ben = await createUser({ firstName: 'Ben' });
		await db.user.update({ where: { id: ana.id }, data: { locale: 'es' } });
		for (const person of [ana, ben]) await addAttendee(event.id, person.id);
		const now = new Date('2026-12-05T10:00:00Z');
		await db.event.update({
			where: { id: event.id },
			data: {
				phase: 'voting',
				timeZone: 'Europe/Madrid',
				votingClosesAt: new Date(now.getTime() + 5 * 60_000)
			}
		});

		// Run from an English request's context: the recipients' languages still win.
		await inLocale('en', () => sendVotingReminders(now, { mail }));

		const [spanish] = mailTo(ana.email);
		expect(spanish.subject).toBe('La votación cierra en 5 minutos: Hackatón Norte');
		expect(spanish.body).toContain('Hola, Ana:');
		expect(spanish.body).toContain(
			'La votación de Hackatón Norte cierra en 5 minutos (sáb, 5 dic 2026, 11:05 (Europe/Madrid)) y todavía no has votado.'
		);
		expect(spanish.body).toContain('Elige tus proyectos favoritos');
		const [english] = mailTo(ben.email);
		expect(english.subject).toBe('Voting closes in 5 minutes: Hackatón Norte');
		expect(english.body).toContain(
			'Voting for Hackatón Norte closes in 5 minutes (Sat, 5 Dec 2026, 11:05 (Europe/Madrid)), and you have not voted yet.'
		);
	});
});
