import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { createEvent, joinEvent, person, submitProject } from './helpers/voting';

// An owner whose browser speaks Spanish runs an event from the admin pages: the tabs, the settings and
// the phase control (with JavaScript and without), the attendees and projects tables, the turnout and
// the results, and dates in Spanish in the event's time zone. The attendees' browsers speak English.

const TIME_ZONE = 'America/Mexico_City';

/**
 * The owner, signed in on a Spanish browser. Signing in and creating the event are other pages (and
 * other people's tests), so they are done in English (the language cookie); then the cookie goes and
 * the browser's Accept-Language (es) decides every page from there.
 */
async function spanishOwner(browser: Browser, javaScriptEnabled: boolean, baseURL: string) {
	const context = await browser.newContext({ locale: 'es-ES', javaScriptEnabled });
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: baseURL }]);
	const page = await context.newPage();
	await signInByPosts(context, uniqueEmail('sofia'), {
		profile: { firstName: 'Sofía', lastName: 'Organiza' }
	});
	const event = await createEvent(page, 'Feria');
	await context.clearCookies({ name: 'PARAGLIDE_LOCALE' });
	return { context, page, ...event };
}

async function tab(page: Page, name: string) {
	await page
		.getByRole('navigation', { name: 'Administración' })
		.getByRole('link', { name, exact: true })
		.click();
	await expect(page.getByRole('link', { name, exact: true })).toHaveAttribute('aria-current', 'page');
}

/** "28 nov 2026, 13:05 America/Mexico_City": the month in Spanish, the time in the event's zone. */
function spanishWhen(timeZone: string): RegExp {
	const month = new Intl.DateTimeFormat('es', { month: 'short', timeZone }).format(new Date());
	return new RegExp(`^\\d{1,2} ${month.replace('.', '\\.?')} \\d{4}, \\d{1,2}:\\d{2} ${timeZone}$`);
}

test('a Spanish-speaking owner runs the event from the admin pages', async ({ browser, baseURL }) => {
	test.setTimeout(180_000);
	const owner = await spanishOwner(browser, true, baseURL!);
	const admin = `/events/${owner.slug}/admin`;

	// The settings page: the language of the page, its tabs and forms.
	await owner.page.goto(admin);
	await expect(owner.page.locator('html')).toHaveAttribute('lang', 'es');
	await expect(owner.page.getByRole('heading', { level: 1 })).toContainText('Administración: Feria');
	await expect(owner.page.getByRole('link', { name: 'Página del evento' })).toBeVisible();
	await expect(owner.page.getByRole('heading', { name: 'Ajustes', exact: true })).toBeVisible();
	await expect(owner.page.getByRole('heading', { name: 'Papeletas para eventos grandes' })).toBeVisible();
	await expect(owner.page.getByRole('heading', { name: 'Borrar el evento' })).toBeVisible();
	await expect(owner.page).toHaveTitle(/^Ajustes · Feria/);

	// A refusal keeps the owner on the Spanish form, values refilled; then a good save says so in Spanish.
	await owner.page.getByLabel('Funciones especiales').fill('daydream, <b>');
	await owner.page.getByRole('button', { name: 'Guardar los ajustes', exact: true }).click();
	await expect(owner.page.locator('#featureFlags ~ p.text-red-700')).toBeVisible();
	await expect(owner.page.getByLabel('Funciones especiales')).toHaveValue('daydream, <b>');
	await expect(owner.page.getByRole('status')).toHaveCount(0);
	await owner.page.getByLabel('Funciones especiales').fill('daydream');
	await owner.page.getByRole('button', { name: 'Guardar los ajustes', exact: true }).click();
	await expect(owner.page.getByRole('status')).toHaveText('Ajustes guardados.');
	await owner.page.getByRole('button', { name: 'Guardar los ajustes', exact: true }).click();
	await expect(owner.page.getByRole('status')).toHaveText('Nada que guardar: no hay cambios.');

	// The event's time zone, for the dates below.
	await owner.page.getByLabel('Zona horaria').selectOption(TIME_ZONE);
	await owner.page.getByRole('button', { name: 'Guardar fechas y calendario' }).click();
	await expect(owner.page.getByRole('status')).toHaveText('Fechas y calendario guardados.');

	// Two attendees (English browsers) join; one submits a project.
	const bob = await person(browser, 'Bob');
	await submitProject(bob, owner.joinLink, 'Robot de Chatarra');
	const carol = await person(browser, 'Carol');
	await joinEvent(carol, owner.joinLink);

	// The attendees page: the table, the pager with a Spanish plural, the dates in the event's zone.
	await tab(owner.page, 'Participantes');
	await expect(owner.page.getByRole('heading', { name: 'Participantes', exact: true })).toBeVisible();
	const attendees = owner.page.getByTestId('attendees');
	await expect(attendees.getByRole('columnheader', { name: 'Se unió' })).toBeVisible();
	await expect(attendees.getByRole('columnheader', { name: 'Nombre visible' })).toBeVisible();
	await expect(owner.page.getByTestId('pager-summary')).toHaveText('2 participantes · página 1 de 1');
	const bobRow = attendees.getByRole('row', { name: /Bob Tester/ });
	await expect(bobRow.getByRole('cell').nth(4)).toHaveText('No');
	await expect(bobRow.getByRole('cell').nth(3)).toHaveText(spanishWhen(TIME_ZONE));
	await owner.page.getByLabel('Buscar por nombre o correo').fill('CAROL');
	await owner.page.getByRole('button', { name: 'Buscar', exact: true }).click();
	await expect(owner.page.getByTestId('pager-summary')).toHaveText(
		'1 participante que coincide con "CAROL" · página 1 de 1'
	);
	await expect(owner.page.getByRole('link', { name: 'Mostrar todo' })).toBeVisible();

	// The projects table.
	await tab(owner.page, 'Proyectos');
	const projects = owner.page.getByTestId('projects');
	await expect(projects.getByRole('columnheader', { name: 'Proyecto' })).toBeVisible();
	await expect(projects.getByRole('columnheader', { name: 'Equipo' })).toBeVisible();
	await expect(projects.getByRole('row', { name: /Robot de Chatarra/ })).toBeVisible();
	await expect(owner.page.getByRole('link', { name: 'Quitar Robot de Chatarra' })).toBeVisible();
	await expect(owner.page.getByTestId('pager-summary')).toHaveText('1 proyecto · página 1 de 1');
	await expect(owner.page.getByRole('heading', { name: 'Comprobación de enlaces' })).toBeVisible();

	// The phase control: choose, read, confirm.
	await tab(owner.page, 'Ajustes');
	await owner.page.getByLabel('Pasar el evento a').selectOption('voting');
	await owner.page.getByRole('button', { name: 'Continuar…' }).click();
	await expect(owner.page.getByRole('heading', { name: /^¿Pasar el evento a “.+”\?$/ })).toBeVisible();
	await owner.page.getByRole('button', { name: /^Sí, pasar a “/ }).click();
	await expect(owner.page.getByRole('status')).toContainText('El evento está ahora en:');

	// Turnout, live: Bob votes.
	await tab(owner.page, 'Participación');
	await expect(owner.page.getByTestId('admin-turnout')).toHaveText('0 de 2 participantes han votado');
	await expect(owner.page.getByText('Se actualiza en directo')).toBeVisible();
	await carol.goto(`/events/${owner.slug}/vote`);
	await carol.getByLabel('Robot de Chatarra').check();
	await carol.getByRole('button', { name: 'Send my ballot' }).click();
	await expect(carol.getByTestId('ballot-saved')).toBeVisible();
	await expect(owner.page.getByTestId('admin-turnout')).toHaveText('1 de 2 participantes han votado');

	// Votes: when, in Spanish and in the event's zone.
	await tab(owner.page, 'Votos');
	await expect(owner.page.getByText('Quién votó qué, lo más reciente primero.')).toBeVisible();
	const votes = owner.page.getByTestId('votes');
	await expect(votes.getByRole('columnheader', { name: 'Votó por' })).toBeVisible();
	await expect(votes.getByRole('row').nth(1).getByRole('cell').first()).toHaveText(spanishWhen(TIME_ZONE));
	await expect(owner.page.getByTestId('pager-summary')).toHaveText('1 voto · página 1 de 1');

	// Results: the downloads and the coverage, in Spanish.
	await tab(owner.page, 'Resultados');
	await expect(owner.page.getByRole('heading', { name: 'Resultados', exact: true })).toBeVisible();
	await expect(owner.page.getByRole('link', { name: 'Resultados (CSV)' })).toBeVisible();
	await expect(owner.page.getByRole('link', { name: 'Participantes (CSV)' })).toBeVisible();
	await expect(owner.page.getByTestId('coverage-summary')).toContainText('1 persona ha abierto la papeleta');
	await expect(owner.page.getByTestId('coverage-summary')).toContainText(
		'1 de 1 proyecto se ha mostrado a menos de 10 personas.'
	);

	// The activity log: dates in Spanish in the event's zone.
	await tab(owner.page, 'Actividad');
	const activity = owner.page.getByTestId('activity');
	await expect(activity.getByRole('columnheader', { name: 'Quién' })).toBeVisible();
	await expect(activity.getByRole('row').nth(1).getByRole('cell').first()).toHaveText(spanishWhen(TIME_ZONE));

	// Joining and the poster.
	await tab(owner.page, 'Unirse');
	await expect(owner.page.getByRole('heading', { name: 'Código y enlace para unirse' })).toBeVisible();
	await expect(owner.page.getByRole('img', { name: /^Código QR del enlace para unirse / })).toBeVisible();
	await owner.page.getByRole('link', { name: 'Cartel para imprimir' }).click();
	await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText(/^Únete a Feria/);
	await expect(owner.page.getByText('Escanea para unirte y votar en Podium')).toBeVisible();

	for (const context of [owner.context, bob.context(), carol.context()]) await context.close();
});

test.describe('without JavaScript', () => {
	test('a Spanish-speaking owner saves settings and moves the phase with plain forms', async ({
		browser,
		baseURL
	}) => {
		const owner = await spanishOwner(browser, false, baseURL!);
		await owner.page.goto(`/events/${owner.slug}/admin`);
		await expect(owner.page.locator('html')).toHaveAttribute('lang', 'es');

		// A refusal, then a save.
		await owner.page.getByLabel('Funciones especiales').fill('<b>');
		await owner.page.getByRole('button', { name: 'Guardar los ajustes', exact: true }).click();
		await expect(owner.page.locator('#featureFlags ~ p.text-red-700')).toBeVisible();
		await expect(owner.page.getByRole('heading', { name: 'Ajustes', exact: true })).toBeVisible();
		await owner.page.getByLabel('Funciones especiales').fill('ysws');
		await owner.page.getByRole('button', { name: 'Guardar los ajustes', exact: true }).click();
		await expect(owner.page.getByRole('status')).toHaveText('Ajustes guardados.');

		// The phase control is a GET, then a POST.
		await owner.page.getByLabel('Pasar el evento a').selectOption('voting');
		await owner.page.getByRole('button', { name: 'Continuar…' }).click();
		await expect(owner.page).toHaveURL(/\/admin\?phase=voting$/);
		await expect(owner.page.getByRole('link', { name: 'Cancelar' })).toBeVisible();
		await owner.page.getByRole('button', { name: /^Sí, pasar a “/ }).click();
		await expect(owner.page.getByRole('status')).toContainText('El evento está ahora en:');

		// The turnout page offers a reload link instead of live updates.
		await tab(owner.page, 'Participación');
		await expect(owner.page.getByTestId('admin-turnout')).toHaveText('0 de 0 participantes han votado');
		await expect(
			owner.page.getByRole('link', { name: 'Recargar para ver las últimas cifras' })
		).toBeVisible();
		await owner.context.close();
	});
});
