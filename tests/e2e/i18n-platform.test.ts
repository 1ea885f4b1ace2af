import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { outboxDir, signInByPosts } from './helpers/auth';
import { OwnServer } from './helpers/own-server';

// The platform admin pages as a Spanish-speaking admin sees them: a browser that asks for Spanish
// (Accept-Language: es), with JavaScript and without. Read-only maintenance refuses writes app-wide, so
// this file runs an app instance of its own (a free port, its own embedded database), like
// series-maintenance.test.ts, rather than the shared one other test files keep writing to.

const TAG = `Sol${Date.now()}`;
const ADMIN = `i18n-admin-${Date.now()}@example.test`;
const MESSAGE = `Cambiamos Podium de base de datos (${TAG}).`;
const UNKNOWN = `no-such-${Date.now()}`;

test.describe.configure({ mode: 'serial' });

const server = new OwnServer({ MAIL_OUTBOX_DIR: outboxDir() });
let signedIn: BrowserContext;
let slug: string;

test.beforeAll(async ({ browser }) => {
	test.setTimeout(120_000);
	// A platform admin as the operator command leaves one: the role, and a completed profile.
	await server.withDatabase((db) =>
		db.query(
			`INSERT INTO users (email, first_name, display_name, profile_completed_at, platform_admin_since)
			 VALUES ($1, 'Lucía', 'Lucía P.', now(), now())`,
			[ADMIN]
		)
	);
	await server.start();
	// Signing in and creating the event are someone else's pages: done in English, then the session
	// moves to browsers that ask for Spanish.
	signedIn = await browser.newContext({ baseURL: server.origin });
	const page = await signedIn.newPage();
	await signInByPosts(signedIn, ADMIN, { origin: server.origin });
	await page.goto('/events/new');
	await page.getByLabel('Name').fill(`Feria ${TAG}`);
	await page.getByRole('button', { name: 'Create event' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Feria ${TAG}`);
	slug = new URL(page.url()).pathname.split('/')[2];
});

test.afterAll(async () => {
	await signedIn?.close();
	await server.dispose();
});

/** A page in a browser that asks for Spanish, signed in as the admin; JavaScript on unless said. */
async function spanish(browser: Browser, javaScriptEnabled = true): Promise<Page> {
	const context = await browser.newContext({
		baseURL: server.origin,
		locale: 'es-ES',
		javaScriptEnabled,
		storageState: await signedIn.storageState()
	});
	return context.newPage();
}

test('the overview, the events list and one event speak Spanish', async ({ browser }) => {
	const page = await spanish(browser);
	await page.goto('/admin');
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	await expect(page).toHaveTitle('Administración de la plataforma · Podium');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administración de la plataforma');
	const tabs = page.getByRole('navigation', { name: 'Administración de la plataforma' });
	for (const tab of [
		'Panel',
		'Buscar',
		'Eventos',
		'Correcciones',
		'Actividad',
		'Exportaciones',
		'Mantenimiento'
	])
		await expect(tabs.getByRole('link', { name: tab, exact: true })).toBeVisible();
	await expect(page.getByText('El programa de un vistazo.')).toBeVisible();
	await expect(page.getByTestId('headlines')).toContainText('Personas');
	await expect(page.getByTestId('scope-note')).toContainText('Los eventos eliminados (0)');
	await expect(page.getByTestId('scope-note')).toContainText('hasta 60 segundos de antigüedad');
	await expect(page.getByRole('heading', { name: 'Votación en curso' })).toBeVisible();
	await expect(page.getByTestId('voting-now-empty')).toHaveText(
		'Ningún evento está en votación ahora mismo.'
	);
	await expect(page.getByLabel('Primer mes')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Mostrar' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Eventos creados por mes, por fase' })).toBeVisible();

	// A range that does not parse: the page says so, in Spanish, and shows the last 12 months.
	await page.goto('/admin?from=2026-13');
	await expect(page.getByTestId('range-error')).toContainText(
		'En su lugar se muestran los últimos 12 meses.'
	);

	await page.goto('/admin/events');
	await expect(page).toHaveTitle('Eventos · Administración de la plataforma · Podium');
	await expect(page.getByRole('heading', { name: 'Eventos', level: 2 })).toBeVisible();
	// The only event on this instance: one, in the singular.
	await expect(page.getByTestId('events-summary')).toHaveText(
		'Se muestra 1 evento, los más recientes primero.'
	);
	await expect(page.getByRole('columnheader', { name: 'Participantes' })).toBeVisible();
	await expect(page.getByLabel('Eventos eliminados')).toHaveValue('exclude');
	await expect(page.getByRole('button', { name: 'Filtrar' })).toBeVisible();
	await page.getByRole('link', { name: `Feria ${TAG}` }).click();

	// The event's page: its facts, dates in Spanish, and deleting and restoring it (JavaScript on).
	await expect(page.getByRole('heading', { name: 'Datos' })).toBeVisible();
	await expect(page.getByText('Código para unirse', { exact: true })).toBeVisible();
	const created = page.locator('dt', { hasText: /^Creado$/ }).locator('xpath=following-sibling::dd[1]');
	await expect(created).toHaveText(
		/^\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) \d{4}, \d{1,2}:\d{2} UTC$/
	);
	await expect(page.getByRole('link', { name: 'Abrir la página del evento' })).toBeVisible();
	await page.getByLabel('Motivo (para el registro, opcional)').nth(1).fill('Prueba');
	await page.getByRole('button', { name: 'Eliminar el evento' }).click();
	await expect(page.getByRole('status')).toHaveText(
		'Eliminado. Ahora solo la administración de la plataforma puede ver el evento; restáuralo abajo para recuperarlo tal como estaba.'
	);
	await expect(page.getByTestId('deleted-badge')).toHaveText('Eliminado');
	await page.getByRole('button', { name: 'Restaurar el evento' }).click();
	await expect(page.getByRole('status')).toHaveText(
		'Restaurado: el evento, su código para unirse y sus páginas vuelven a funcionar.'
	);
	await expect(page.getByTestId('history')).toContainText('Motivo: Prueba');
	await page.context().close();
});

test('series, exports and search in Spanish, without JavaScript', async ({ browser }) => {
	const page = await spanish(browser, false);
	await page.goto('/admin/series');
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	await expect(page.getByRole('heading', { name: 'Series', level: 2 })).toBeVisible();
	await expect(page.getByRole('link', { name: 'directorio', exact: true })).toBeVisible();
	await page.getByLabel('Nombre').fill(`Serie ${TAG}`);
	await expect(page.getByLabel('Activa (sus eventos abiertos aparecen en el directorio)')).toBeChecked();
	await page.getByRole('button', { name: 'Crear la serie' }).click();
	await expect(page.getByRole('heading', { level: 2 })).toContainText(`Serie ${TAG}`);
	await expect(page.getByTestId('series-status')).toHaveText('Activa');
	await expect(page.getByText('Aún no hay eventos en esta serie.')).toBeVisible();
	await page.getByLabel('Slug o dirección del evento').fill(slug);
	await page.getByRole('button', { name: 'Añadir a la serie' }).click();
	await expect(page.getByRole('status')).toHaveText(`Se añadió Feria ${TAG} a la serie.`);
	await expect(page.getByTestId('series-totals')).toHaveText(
		'1 evento · 0 participantes · 0 proyectos · 0 papeletas (0 votos)'
	);
	await expect(page.getByTestId('series-events')).toContainText('Satélite');
	await page.getByRole('button', { name: `Hacer principal: Feria ${TAG}` }).click();
	await expect(page.getByRole('status')).toHaveText(`Feria ${TAG} es el evento principal.`);
	await page.getByRole('button', { name: 'Guardar' }).click();
	await expect(page.getByRole('status')).toHaveText('Nada que guardar: no hay cambios.');

	await page.goto('/admin/exports');
	await expect(
		page.getByRole('heading', { name: 'Exportación de proyectos para programas de becas' })
	).toBeVisible();
	await page
		.getByLabel('O slugs de eventos (uno por línea, o separados por comas)')
		.fill(`${slug}\n${UNKNOWN}`);
	await page.getByRole('button', { name: 'Vista previa' }).click();
	await expect(page.getByRole('alert')).toHaveText(`Ningún evento tiene estos slugs: ${UNKNOWN}.`);
	await expect(page.getByTestId('export-summary')).toHaveText('1 evento, 0 proyectos, 0 filas.');
	await expect(page.getByRole('link', { name: 'Descargar CSV' })).toBeVisible();

	await page.goto('/admin/search');
	await page.getByLabel('Email, nombre, evento, proyecto, código para unirse o id').fill(TAG);
	await page.getByRole('button', { name: 'Buscar' }).click();
	await expect(page.getByTestId('search-summary')).toHaveText(`Resultados para “${TAG}”.`);
	await expect(page.getByRole('heading', { name: 'Eventos (1)' })).toBeVisible();
	await expect(page.getByTestId('search-events')).toContainText(`organiza ${ADMIN}`);
	await page.getByLabel('Email, nombre, evento, proyecto, código para unirse o id').fill(`nada-${TAG}`);
	await page.getByRole('button', { name: 'Buscar' }).click();
	await expect(page.getByTestId('search-summary')).toHaveText(`Nada coincide con “nada-${TAG}”.`);

	// The activity log, filtered by the event (a GET form), with what the first test did to it.
	await page.goto('/admin/activity');
	await expect(page.getByRole('heading', { name: 'Actividad', level: 2 })).toBeVisible();
	await page.getByLabel('Evento (slug o nombre)').fill(slug);
	await page.getByLabel('Hecho por').selectOption('platform');
	await page.getByRole('button', { name: 'Filtrar' }).click();
	const activity = page.getByTestId('activity');
	await expect(activity.getByRole('columnheader', { name: 'Cuándo' })).toBeVisible();
	await expect(activity).toContainText('Motivo: Prueba');
	await expect(activity).toContainText('evento restaurado');
	await expect(page.getByLabel('Tipo')).toContainText('papeleta anulada');
	await expect(activity).toContainText('administración de la plataforma');
	await page.getByLabel('Evento (slug o nombre)').fill(`nada-${TAG}`);
	await page.getByRole('button', { name: 'Filtrar' }).click();
	await expect(activity).toHaveText(/^\s*Cuándo\s*Quién\s*Evento\s*Qué\s*Nada coincide\.\s*$/);

	await page.goto('/admin/fixes');
	await expect(page.getByRole('heading', { name: 'Correcciones de datos' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Anular una papeleta' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Consultar la papeleta' })).toBeVisible();
	await page.context().close();
});

test('maintenance starts without JavaScript and ends with it, in Spanish', async ({ browser }) => {
	const noScript = await spanish(browser, false);
	await noScript.goto('/admin/maintenance');
	await expect(noScript.getByRole('heading', { name: 'Mantenimiento de solo lectura' })).toBeVisible();
	await expect(noScript.getByTestId('maintenance-state')).toHaveText('El mantenimiento está desactivado.');
	await noScript.getByLabel('Mensaje que verá todo el mundo').fill(MESSAGE);
	await noScript.getByRole('button', { name: 'Empezar el mantenimiento de solo lectura' }).click();
	await expect(noScript.getByRole('status').filter({ hasText: 'El mantenimiento está activo:' })).toHaveText(
		'El mantenimiento está activo: se rechazan los cambios de todo el mundo salvo de la administración de la plataforma.'
	);
	await expect(noScript.getByTestId('maintenance-state')).toContainText(
		/El mantenimiento está activo desde el \d{1,2} \S+ \d{4}, \d{1,2}:\d{2} UTC \(.+\)\./
	);
	// The banner carries the admin's own words.
	await expect(noScript.getByTestId('maintenance-banner')).toContainText(MESSAGE);
	await noScript.context().close();

	const page = await spanish(browser);
	await page.goto('/admin/maintenance');
	await expect(page.getByRole('button', { name: 'Cambiar el mensaje' })).toBeVisible();
	await page.getByRole('button', { name: 'Terminar el mantenimiento' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'El mantenimiento ha terminado' })).toHaveText(
		'El mantenimiento ha terminado: todo el mundo puede volver a hacer cambios.'
	);
	await expect(page.getByTestId('maintenance-state')).toContainText(
		'El mantenimiento está desactivado. Terminó por última vez el'
	);
	await expect(page.getByTestId('maintenance-banner')).toHaveCount(0);
	await page.context().close();
});

// The banner's label is the site layout's (src/routes/+layout.svelte, translated on the attendee
// pages' branch): this holds once both are merged.
test("the maintenance banner's label is in Spanish too", async ({ browser }) => {
	const page = await spanish(browser);
	await page.goto('/admin/maintenance');
	await page.getByLabel('Mensaje que verá todo el mundo').fill(MESSAGE);
	await page.getByRole('button', { name: 'Empezar el mantenimiento de solo lectura' }).click();
	const banner = page.getByTestId('maintenance-banner');
	await expect(banner).toContainText(MESSAGE);
	await expect(banner.locator('strong')).toHaveText(/^Mantenimiento/);
	await page.getByRole('button', { name: 'Terminar el mantenimiento' }).click();
	await expect(banner).toHaveCount(0);
	await page.context().close();
});
