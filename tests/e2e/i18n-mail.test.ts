import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { outboxDir, uniqueEmail, waitForSignInLink } from './helpers/auth';
import { createEvent, joinEvent, person } from './helpers/voting';

// Mails go out in their reader's language: the sign-in mail in the language of the browser that asked
// for it, a mail to someone else (the voting reminder, sent by the scheduler) in the language that
// person saved. Pages are found by their fields and test ids, not by their words: the words are Spanish.

const databaseUrl = process.env.DATABASE_URL?.trim();

/** The messages in the outbox to `email`, as their reader sees them: subject and text, decoded. */
function mailTo(email: string): { subject: string; body: string }[] {
	const dir = outboxDir();
	let names: string[];
	try {
		names = readdirSync(dir).filter((name) => name.endsWith('.eml'));
	} catch {
		return [];
	}
	return names
		.map((name) => readFileSync(path.join(dir, name), 'utf8'))
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

/** The mails to `email` but its sign-in mails: the reminders. */
const remindersTo = (email: string) => mailTo(email).filter((mail) => !mail.body.includes('/sign-in/verify'));

const decodeQuotedPrintable = (text: string) =>
	text.replace(/(=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));

/** Asks for a sign-in link for `email` on the sign-in page, as a person types it. */
async function askForLink(page: Page, email: string) {
	await page.locator('#email').fill(email);
	await page.locator('form:has(#email) button[type="submit"]').click();
}

async function browserIn(browser: Browser, locale: string, javaScriptEnabled: boolean) {
	const context = await browser.newContext({ locale, javaScriptEnabled });
	return { context, page: await context.newPage() };
}

for (const javaScriptEnabled of [true, false]) {
	const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

	test(`a Spanish browser gets the sign-in page's refusal and the sign-in mail in Spanish (${how})`, async ({
		browser
	}) => {
		const { context, page } = await browserIn(browser, 'es-ES', javaScriptEnabled);
		await page.goto('/sign-in');
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');

		// An address the browser lets through but the server refuses: the server's words, in Spanish.
		await askForLink(page, 'ana@localhost');
		await expect(page.locator('#email-error')).toHaveText('Eso no parece una dirección de correo.');

		const email = uniqueEmail('ana-es');
		await askForLink(page, email);
		await waitForSignInLink(email);
		const [mail] = mailTo(email);
		expect(mail.subject).toBe('Tu enlace para iniciar sesión en Podium');
		expect(mail.body).toContain('Abre este enlace para iniciar sesión en Podium:');
		expect(mail.body).toContain('El enlace funciona una sola vez, durante los próximos 15 minutos.');
		expect(mail.body).toContain('Si no pediste iniciar sesión, ignora este mensaje');
		expect(mail.body).toContain('<html lang="es">');
		expect(mail.body).not.toContain('Open this link');
		await context.close();
	});

	test(`an English browser gets them in English (${how})`, async ({ browser }) => {
		const { context, page } = await browserIn(browser, 'en-GB', javaScriptEnabled);
		await page.goto('/sign-in');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await askForLink(page, 'ann@localhost');
		await expect(page.locator('#email-error')).toHaveText('That does not look like an email address.');

		const email = uniqueEmail('ann-en');
		await askForLink(page, email);
		await waitForSignInLink(email);
		const [mail] = mailTo(email);
		expect(mail.subject).toBe('Your Podium sign-in link');
		expect(mail.body).toContain('Open this link to sign in to Podium:');
		expect(mail.body).toContain('The link works once, for the next 15 minutes.');
		await context.close();
	});
}

test("the voting reminder goes in each attendee's saved language; their pages speak it", async ({
	browser
}) => {
	test.skip(!databaseUrl, 'needs the database of the server under test (DATABASE_URL)');
	test.setTimeout(60_000);
	const sql = new pg.Client({ connectionString: databaseUrl });
	await sql.connect();
	try {
		const owner = await person(browser, 'Olga');
		const { slug, joinLink } = await createEvent(owner, 'Hackatón');
		const ana = await person(browser, 'Ana');
		const ben = await person(browser, 'Ben');
		// Ana chose Spanish (the language page keeps it on her profile); Ben chose nothing.
		await sql.query(`UPDATE users SET locale = 'es' WHERE email = $1`, [ana.email]);
		await joinEvent(ana, joinLink);
		await joinEvent(ben, joinLink);

		// Voting is open and closes in five minutes: the server's scheduler (every 5 s) reminds them.
		await sql.query(
			`UPDATE events SET phase = 'voting', time_zone = 'Europe/Madrid',
				voting_closes_at = now() + interval '5 minutes' WHERE slug = $1`,
			[slug]
		);
		await expect.poll(() => remindersTo(ana.email).length, { timeout: 20_000 }).toBe(1);
		await expect.poll(() => remindersTo(ben.email).length, { timeout: 20_000 }).toBe(1);

		const [spanish] = remindersTo(ana.email);
		expect(spanish.subject).toMatch(/^La votación cierra en [45] minutos: Hackatón \d+$/);
		expect(spanish.body).toContain('Hola, Ana:');
		expect(spanish.body).toMatch(
			/cierra en [45] minutos \(\S+, \d+ \S+ \d{4}, \d\d:\d\d \(Europe\/Madrid\)\)/
		);
		expect(spanish.body).toContain('y todavía no has votado. Elige tus proyectos favoritos aquí:');
		expect(spanish.body).toContain(
			'Recibes este recordatorio una sola vez, porque te uniste al evento en Podium.'
		);
		const [english] = remindersTo(ben.email);
		expect(english.subject).toMatch(/^Voting closes in [45] minutes: Hackatón \d+$/);
		expect(english.body).toContain('Hi Ben,');
		expect(english.body).toContain('and you have not voted yet. Pick your favourite projects here:');

		// Ana's pages speak Spanish, the server's messages too: an event that does not exist, a page that
		// does not exist.
		await ana.goto('/events/no-such-event-here');
		await expect(ana.locator('html')).toHaveAttribute('lang', 'es');
		await expect(ana.getByText('No se encontró el evento.')).toBeVisible();
		await ana.goto('/no-such-page-here');
		await expect(ana.getByText('Página no encontrada')).toBeVisible();
		await ben.goto('/events/no-such-event-here');
		await expect(ben.getByText('Event not found.')).toBeVisible();
	} finally {
		await sql.end();
	}
});
