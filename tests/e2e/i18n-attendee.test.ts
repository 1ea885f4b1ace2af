import { readdirSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { outboxDir, uniqueEmail, waitForSignInLink } from './helpers/auth';
import { createEvent, person } from './helpers/voting';

// What a Spanish-speaking attendee sees (a browser asking for Spanish: Accept-Language es): the home page,
// signing in through the mailed link, the first-sign-in step, joining an event by its code, submitting a
// project and its page, with JavaScript and without; the footer's language switch and the profile's
// language choice, kept for the next device; the error page.

const spanish = { locale: 'es-ES' };
const mailSeen = () => new Set(readdirSync(outboxDir()).filter((name) => name.endsWith('.eml')));

/** Signs in a new person in Spanish through the sign-in page, the mailed link and the welcome step. */
async function signInInSpanish(page: Page, email: string, firstName: string, javaScript = true) {
	const seen = mailSeen();
	await page.goto('/sign-in');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
	await expect(page.getByText('Escribe tu dirección de correo y te enviaremos un enlace')).toBeVisible();
	await page.getByLabel('Dirección de correo').fill(email);
	await page.getByRole('button', { name: 'Envíame un enlace para iniciar sesión' }).click();
	await expect(page.getByRole('heading', { name: 'Revisa tu correo' })).toBeVisible();
	await expect(page.getByRole('status')).toContainText('puede recibir correo');

	await page.goto(await waitForSignInLink(email, { seen }));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión en Podium');
	await expect(page.getByText(`Vas a iniciar sesión como ${email}.`)).toBeVisible();
	await page.getByRole('button', { name: `Iniciar sesión como ${email}` }).click();

	await expect(page).toHaveURL(/\/welcome/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Te damos la bienvenida a Podium');
	await expect(page.getByText('Solo hace falta tu nombre')).toBeVisible();
	await expect(page.getByLabel('País')).toContainText('España');
	await page.getByLabel('Nombre (obligatorio)').fill(firstName);
	await page.getByLabel('Apellidos').fill('Prueba');
	// With JavaScript the example follows the name as it is typed; without, it is the general one.
	await expect(page.getByText('Si lo dejas vacío, será «')).toContainText(
		javaScript ? `«${firstName} P.»` : '«Nombre A.»'
	);
	await page.getByRole('button', { name: 'Guardar y continuar' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Qué hacer ahora');
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
}

/** An event (its owner signs in in English), in its submission phase; its slug and join code. */
async function eventToJoin(browser: Browser, name: string) {
	const owner = await person(browser, 'Olga');
	const event = await createEvent(owner, name);
	await owner.context().close();
	return { slug: event.slug, code: decodeURIComponent(new URL(event.joinLink).pathname.split('/').pop()!) };
}

test('a visitor sees the home page, the sign-in page and a missing page in Spanish', async ({ browser }) => {
	const context = await browser.newContext(spanish);
	const page = await context.newPage();
	await page.goto('/');
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	await expect(page).toHaveTitle('Podium · votación entre participantes para hackatones');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'Votación entre participantes para hackatones'
	);
	await expect(page.getByText('Únete a tu evento, entrega lo que ha creado tu equipo')).toBeVisible();
	await expect(page.getByText('Eventos', { exact: true })).toBeVisible();
	await expect(
		page.getByRole('group', { name: 'Tema' }).getByRole('button', { name: 'Oscuro' })
	).toBeVisible();
	await expect(page.getByTestId('language-link')).toHaveText('Idioma: español');

	await page.getByRole('link', { name: 'Inicia sesión para empezar' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
	await expect(
		page.getByRole('link', { name: 'Tengo un código para iniciar sesión de la organización' })
	).toBeVisible();
	await page.getByRole('link', { name: 'Tengo un código para iniciar sesión de la organización' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión con un código');
	await expect(page.getByLabel('Código', { exact: true })).toBeVisible();

	const missing = await page.goto('/no-such-page-here');
	expect(missing?.status()).toBe(404);
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	// The headline is the server's own sentence for a missing page (hooks.server.ts, not this area's).
	await expect(page.getByTestId('error-next')).toHaveText(
		'Puede que el enlace esté mal escrito o que lo que enlazaba se haya eliminado. Vuelve a empezar desde la página de inicio.'
	);
	await expect(page.getByTestId('error-status')).toHaveText('Estado 404');
	await expect(page.getByRole('link', { name: 'Volver a la página de inicio' })).toBeVisible();
	await context.close();
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test('a Spanish-speaking person signs in, joins an event by code and submits a project', async ({
			browser
		}) => {
			test.setTimeout(120_000);
			const event = await eventToJoin(browser, javaScriptEnabled ? 'Hackatón JS' : 'Hackatón sin JS');
			const context = await browser.newContext({ ...spanish, javaScriptEnabled });
			const page = await context.newPage();
			await signInInSpanish(page, uniqueEmail('lucia'), 'Lucía', javaScriptEnabled);
			await expect(page.getByText('Todavía no te has unido a ningún evento')).toBeVisible();

			// Joining by code, from the header's menu.
			await expect(
				page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Mis proyectos' })
			).toBeAttached();
			await page.goto('/join');
			await expect(page).toHaveTitle('Unirte a un evento · Podium');
			await expect(page.getByText('Escribe el código para unirse que te dio la organización.')).toBeVisible();
			await page.getByLabel('Código para unirse').fill(event.code);
			await page.getByLabel('¿Cómo conociste este evento? (opcional)').fill('Un amigo');
			await page.getByRole('button', { name: 'Unirme', exact: true }).click();
			await expect(page).toHaveURL(new RegExp(`/events/${event.slug}$`));

			// The home page now lists the event with its phase and next step.
			await page.goto('/');
			await expect(page.getByRole('heading', { name: 'Eventos en los que participas' })).toBeVisible();
			await expect(page.getByTestId('home-event').getByTestId('phase')).toHaveText('Entregas abiertas');
			await expect(
				page.getByTestId('home-event').getByRole('link', { name: /^Entrega tu proyecto/ })
			).toBeVisible();

			// Submitting a project: the form's fields, then the project's page.
			await page.goto(`/events/${event.slug}/projects/new`);
			await page.getByLabel('Nombre del proyecto').fill('Robot Amable');
			await page.getByLabel(/^Enlace a la demo/).fill('https://robot-amable.example.test');
			await expect(page.getByLabel('Enlace al repositorio (opcional)')).toBeVisible();
			await page.getByLabel('Horas dedicadas').fill('12');
			await page
				.getByLabel('Nombre del proyecto')
				.locator('xpath=ancestor::form')
				.getByRole('button')
				.click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Robot Amable');
			await expect(page.getByText('Horas dedicadas: 12')).toBeVisible();
			await expect(page.getByText('Demo:')).toBeVisible();
			await expect(page.getByRole('heading', { name: 'Equipo', exact: true })).toBeVisible();
			await expect(page.getByTestId('team')).toHaveText('Lucía P. (creador/a)');
			await expect(page.getByRole('heading', { name: 'Invita a tu equipo' })).toBeVisible();
			await expect(page.getByRole('link', { name: 'Editar detalles' })).toBeVisible();

			// Editing it, and the list of one's projects.
			await page.getByRole('link', { name: 'Editar detalles' }).click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Editar proyecto');
			await page.getByLabel('Horas dedicadas').fill('14');
			await page.getByRole('button', { name: 'Guardar cambios' }).click();
			await expect(page.getByText('Horas dedicadas: 14')).toBeVisible();
			await page.goto('/projects');
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mis proyectos');
			await expect(page.getByRole('columnheader', { name: 'Rol' })).toBeVisible();
			await expect(page.getByRole('row', { name: /Robot Amable/ })).toContainText('creador/a');
			await expect(page.locator('html')).toHaveAttribute('lang', 'es');
			await context.close();
		});

		test('the footer link switches to English and back, and the choice survives a reload', async ({
			browser
		}) => {
			const context = await browser.newContext({ ...spanish, javaScriptEnabled });
			const page = await context.newPage();
			await page.goto('/sign-in');
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
			await page.getByTestId('language-link').click();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Idioma');
			await page.getByRole('radio', { name: 'English' }).check();
			await page.getByRole('button', { name: 'Usar este idioma' }).click();
			await expect(page).toHaveURL(/\/sign-in$/);
			await expect(page.locator('html')).toHaveAttribute('lang', 'en');
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
			await page.reload();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
			await expect(page.getByRole('button', { name: 'Email me a sign-in link' })).toBeVisible();

			await page.getByTestId('language-link').click();
			await page.getByRole('radio', { name: 'Español' }).check();
			await page.getByRole('button', { name: 'Use this language' }).click();
			await expect(page.locator('html')).toHaveAttribute('lang', 'es');
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
			await page.reload();
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
			await context.close();
		});
	});
}

for (const javaScriptEnabled of [true, false]) {
	test(`a signed-in person chooses the language on the profile, and the next device gets it (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({
		browser
	}) => {
		test.setTimeout(90_000);
		const email = uniqueEmail('mateo');
		const context = await browser.newContext({ ...spanish, javaScriptEnabled });
		const page = await context.newPage();
		await signInInSpanish(page, email, 'Mateo', javaScriptEnabled);

		// The profile, in Spanish: switch to English and the page comes back in it.
		await page
			.getByTestId('account-area')
			.getByRole('link', { name: /Perfil de/ })
			.click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tu perfil');
		await expect(page.getByLabel('Idioma')).toHaveValue('es');
		await page.getByLabel('Idioma').selectOption('en');
		await page.getByRole('button', { name: 'Guardar perfil' }).click();
		await expect(page.getByRole('status')).toHaveText('Your profile is saved.');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your profile');
		await expect(page.getByLabel('Language')).toHaveValue('en');

		// And back to Spanish, kept on the profile.
		await page.getByLabel('Language').selectOption('es');
		await page.getByRole('button', { name: 'Save profile' }).click();
		await expect(page.getByRole('status')).toHaveText('Tu perfil está guardado.');
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
		await context.close();

		// Another device whose browser asks for English: signed in, Podium speaks Spanish to this person.
		const other = await browser.newContext({ locale: 'en-US' });
		const phone = await other.newPage();
		const seen = mailSeen();
		await phone.goto('/sign-in');
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Sign in');
		await phone.getByLabel('Email address').fill(email);
		await phone.getByRole('button', { name: 'Email me a sign-in link' }).click();
		await phone.goto(await waitForSignInLink(email, { seen }));
		await phone.getByRole('button', { name: `Sign in as ${email}` }).click();
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Qué hacer ahora');
		await expect(phone.locator('html')).toHaveAttribute('lang', 'es');
		await expect(
			phone.getByTestId('account-area').getByRole('button', { name: 'Cerrar sesión' })
		).toBeAttached();
		await other.close();
	});
}
