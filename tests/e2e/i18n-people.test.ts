import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { signInByPosts, uniqueEmail } from './helpers/auth';
import { makePlatformAdmin, onServer } from './helpers/platform';
import { person } from './helpers/voting';

// A platform admin whose browser asks for Spanish (Accept-Language: es) looks after people: the list, a
// person's page with its private fields, the merge and delete confirmations, and the server's refusals,
// all in Spanish, with JavaScript and without.

/** The same signed-in person in a new browser context that speaks Spanish (and maybe runs no script). */
async function inSpanish(browser: Browser, page: Page, options: BrowserContextOptions = {}) {
	const storageState = await page.context().storageState();
	const context = await browser.newContext({ locale: 'es-ES', storageState, ...options });
	return context.newPage();
}

async function openPerson(admin: Page, email: string) {
	await admin.goto('/admin/people');
	await admin.getByLabel('El correo o el nombre empieza por').fill(email);
	await admin.getByRole('button', { name: 'Buscar' }).click();
	await expect(admin.getByTestId('pager-summary')).toHaveText(
		`1 persona que empieza por “${email}”, por orden de correo`
	);
	await admin.getByTestId('people').getByRole('link').first().click();
	await expect(admin.getByRole('heading', { name: 'Identidad' })).toBeVisible();
}

test('a platform admin with a Spanish browser looks after people in Spanish', async ({ browser }) => {
	test.skip(!onServer, 'the operator command shares the database only with a PostgreSQL server');
	test.setTimeout(120_000);

	const ada = await person(browser, 'Ada');
	makePlatformAdmin(ada.email);
	const tom = Object.assign(await (await browser.newContext()).newPage(), { email: uniqueEmail('tom') });
	await signInByPosts(tom.context(), tom.email, {
		profile: { firstName: 'Tom', lastName: 'Tester', phone: '+34 600 000 000', city: 'Sevilla' }
	});
	await tom.goto('/');
	const dana = await person(browser, 'Dana');
	const admin = await inSpanish(browser, ada);

	// The list, in Spanish.
	await admin.goto('/admin/people');
	await expect(admin.locator('html')).toHaveAttribute('lang', 'es');
	await expect(admin).toHaveTitle('Personas · Administración de la plataforma · Podium');
	await expect(admin.getByRole('heading', { name: 'Personas', exact: true })).toBeVisible();
	await expect(admin.getByLabel('Personas eliminadas')).toBeVisible();
	await expect(admin.getByRole('columnheader', { name: 'Correo' })).toBeVisible();
	await expect(admin.getByRole('heading', { name: 'Quienes administran la plataforma' })).toBeVisible();
	await expect(admin.getByTestId('admins')).toContainText('(tú)');
	await expect(admin.getByTestId('pager-summary')).toContainText('personas, por orden de correo');

	// A person's page: the private fields stay hidden until revealed, with Spanish labels.
	await openPerson(admin, tom.email);
	await expect(
		admin.getByRole('heading', { name: 'Teléfono, dirección y fecha de nacimiento' })
	).toBeVisible();
	await expect(admin.getByText('Oculto. Cada consulta queda en el registro de auditoría')).toBeVisible();
	await admin.getByRole('button', { name: 'Mostrar' }).click();
	const fields = admin.getByTestId('private-fields');
	await expect(fields).toContainText('Teléfono');
	await expect(fields).toContainText('+34 600 000 000');
	await expect(fields).toContainText('Dirección');
	await expect(fields).toContainText('Fecha de nacimiento');
	await expect(admin.getByText('Se muestra una sola vez, solo para ti')).toBeVisible();
	// The audit log is a stored record: it stays as it was written, in English.
	await admin.reload();
	await expect(admin.getByTestId('person-audit')).toContainText(
		`Revealed the phone, address and birth date of ${tom.email}`
	);

	// A refusal from the server, in Spanish: an address that belongs to someone else.
	await admin.getByLabel('Nueva dirección de correo').fill(dana.email);
	await admin.getByRole('button', { name: 'Cambiar el correo' }).click();
	await expect(admin.getByRole('alert')).toHaveText(
		`${dana.email} ya pertenece a otra cuenta. Si las dos cuentas son de esta persona, fusiónalas.`
	);

	// Merging Tom into himself is refused, in Spanish, on the confirmation.
	await admin.getByLabel('Fusionar este duplicado con la cuenta de').fill(tom.email);
	await admin.getByRole('button', { name: 'Ver el efecto de la fusión' }).click();
	await expect(admin.getByRole('heading', { name: `¿Fusionar con ${tom.email}?` })).toBeVisible();
	await expect(admin.getByRole('alert')).toHaveText(
		'Esa es esta misma cuenta: escribe la dirección de la otra cuenta, la que se conserva.'
	);
	await admin.getByRole('link', { name: 'Volver' }).click();

	// Dana's account is a duplicate of Tom's: the confirmation in Spanish, then the merge.
	await openPerson(admin, dana.email);
	await admin.getByLabel('Fusionar este duplicado con la cuenta de').fill(tom.email);
	await admin.getByRole('button', { name: 'Ver el efecto de la fusión' }).click();
	await expect(admin.getByRole('heading', { name: `¿Fusionar con ${tom.email}?` })).toBeVisible();
	await expect(admin.getByText('(esta cuenta) pasa a')).toBeVisible();
	await expect(admin.getByRole('heading', { name: `Pasa a ${tom.email}` })).toBeVisible();
	await expect(admin.getByTestId('merge-moves')).toContainText('0 proyectos propios');
	await expect(admin.getByTestId('merge-drops')).toHaveText('Nada');
	await expect(admin.getByTestId('merge-published')).toHaveText(
		'Ninguno: no se descarta ningún voto de un evento cerrado.'
	);
	await admin.getByRole('button', { name: `Fusionar con ${tom.email}` }).click();
	await expect(admin.getByRole('status')).toContainText(
		`${dana.email} se ha fusionado con esta cuenta; esa cuenta se ha eliminado.`
	);
});

test('the delete confirmation and the forms work in Spanish without JavaScript', async ({ browser }) => {
	test.skip(!onServer, 'the operator command shares the database only with a PostgreSQL server');
	test.setTimeout(90_000);

	const ada = await person(browser, 'Ada');
	makePlatformAdmin(ada.email);
	const eve = await person(browser, 'Eve');
	const admin = await inSpanish(browser, ada, { javaScriptEnabled: false });

	// Granting the role to an address nobody signed in with: refused by the server, in Spanish.
	await admin.goto('/admin/people');
	await expect(admin.locator('html')).toHaveAttribute('lang', 'es');
	const stranger = uniqueEmail('nadie');
	await admin.getByLabel('Dar la administración de la plataforma (su correo)').fill(stranger);
	await admin.getByRole('button', { name: 'Dar el rol' }).click();
	await expect(admin.getByRole('alert')).toHaveText(
		`Nadie ha iniciado sesión todavía con ${stranger}: cuando inicie sesión una vez, podrás darle el rol.`
	);

	// Eve's page: a refused change of address, then the deletion's effect and the deletion.
	await openPerson(admin, eve.email);
	await admin.getByLabel('Nueva dirección de correo').fill(ada.email);
	await admin.getByRole('button', { name: 'Cambiar el correo' }).click();
	await expect(admin.getByRole('alert')).toHaveText(
		`${ada.email} ya pertenece a otra cuenta. Si las dos cuentas son de esta persona, fusiónalas.`
	);
	await admin.getByRole('link', { name: 'Eliminar a esta persona…' }).click();
	await expect(admin.getByRole('heading', { name: `¿Eliminar a ${eve.email}?` })).toBeVisible();
	const effect = admin.getByTestId('delete-effect');
	await expect(effect).toContainText('Se borra: el correo (pasa a ser deleted-…@deleted.invalid)');
	await expect(effect).toContainText('Se cierra ahora 1 sesión.');
	await expect(effect).toContainText('Sus votos se quedan y siguen contando, de forma anónima');
	await admin.getByRole('button', { name: 'Eliminar a esta persona' }).click();
	await expect(admin.getByRole('status')).toHaveText(
		`Se ha eliminado a ${eve.email}: datos privados borrados, 1 sesión cerrada.`
	);
	await expect(admin.getByText('Eliminada', { exact: true }).first()).toBeVisible();
});
