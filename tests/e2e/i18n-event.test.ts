import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { createEvent, joinEvent, movePhase, person, submitProject } from './helpers/voting';

// An event's pages as a Spanish-speaking person sees them (Accept-Language: es): the event page, the
// ballot with and without JavaScript (its plurals: 1 proyecto, 2 proyectos), the results, the receipts
// and the directory. The event is set up in English (the helpers click English buttons); the people
// who read it in Spanish sign in in English, then browse with a Spanish browser.

const PROJECTS = 4; // a ballot of 2 picks (src/lib/server/voting.ts, voteLimitFor)

/** The signed-in person of `page`, in a browser that asks for Spanish. */
async function inSpanish(browser: Browser, page: Page, options: BrowserContextOptions = {}) {
	const context = await browser.newContext({
		...options,
		locale: 'es-ES',
		storageState: await page.context().storageState()
	});
	return context.newPage();
}

test.describe.serial('an event in Spanish', () => {
	let owner: Page;
	let slug: string;
	let eventName: string;
	let voter: Page; // JavaScript on
	let plainVoter: Page; // JavaScript off
	let receipt: string;

	test.beforeAll(async ({ browser }) => {
		test.setTimeout(180_000);
		owner = await person(browser, 'Olivia');
		const created = await createEvent(owner, 'Feria');
		slug = created.slug;
		eventName = (await owner.getByRole('heading', { level: 1 }).textContent())!.trim();
		for (let i = 1; i <= PROJECTS; i++) {
			const maker = await person(browser, `Maker${i}`);
			await submitProject(maker, created.joinLink, `Proyecto ${i} ${Date.now()}`);
			await maker.context().close();
		}
		const vera = await person(browser, 'Vera');
		await joinEvent(vera, created.joinLink);
		voter = await inSpanish(browser, vera);
		const wes = await person(browser, 'Wes');
		await joinEvent(wes, created.joinLink);
		plainVoter = await inSpanish(browser, wes, { javaScriptEnabled: false });
	});

	test.afterAll(async () => {
		for (const page of [owner, voter, plainVoter]) await page?.context().close();
	});

	test('the event page speaks Spanish to an attendee', async () => {
		await voter.goto(`/events/${slug}`);
		await expect(voter.locator('html')).toHaveAttribute('lang', 'es');
		await expect(voter.getByText('Participas. La entrega está abierta:')).toBeVisible();
		await expect(voter.getByRole('link', { name: 'Presentar un proyecto' })).toBeVisible();
		await expect(voter.getByText(/organizado por Olivia T\. · 4 proyectos · 6 participantes/)).toBeVisible();
		await expect(voter.getByRole('heading', { name: 'Proyectos' })).toBeVisible();
		await expect(voter.getByRole('region', { name: 'Qué puedes hacer ahora' })).toBeVisible();
	});

	test('the directory speaks Spanish', async ({ browser }) => {
		const visitor = await (await browser.newContext({ locale: 'es-ES' })).newPage();
		await visitor.goto('/directory');
		await expect(visitor.locator('html')).toHaveAttribute('lang', 'es');
		await expect(visitor).toHaveTitle('Directorio de eventos · Podium');
		await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Directorio de eventos');
		await expect(visitor.getByRole('search', { name: 'Eventos' })).toBeVisible();
		const query = `ninguno ${Date.now()}`;
		await visitor.getByLabel('Busca por nombre, lugar o serie').fill(query);
		await visitor.getByRole('button', { name: 'Buscar' }).click();
		await expect(visitor.getByTestId('directory-count')).toHaveText(
			`Ningún evento abierto coincide con «${query}».`
		);
		await visitor.context().close();
	});

	test('casting a ballot with JavaScript: live counts, saved status, plurals', async () => {
		await movePhase(owner, slug, 'voting');
		await voter.goto(`/events/${slug}`);
		await expect(voter.getByText('Participas. La votación está abierta')).toBeVisible();
		await voter.getByRole('link', { name: 'Abrir tu papeleta' }).click();
		await expect(voter).toHaveTitle(`Votar · ${eventName} · Podium`);
		await expect(voter.getByRole('heading', { level: 1 })).toHaveText('Tu papeleta');
		await expect(voter.getByText('Elige los 2 proyectos que más te gustaron.')).toBeVisible();
		await expect(voter.getByRole('group', { name: 'Elige hasta 2 proyectos' })).toBeVisible();

		const boxes = voter.getByRole('checkbox');
		await expect(boxes).toHaveCount(PROJECTS);
		await expect(voter.getByTestId('pick-count')).toHaveText('0 de 2 elegidos.');
		await boxes.nth(0).check();
		await boxes.nth(1).check();
		await boxes.nth(2).check();
		await expect(voter.getByTestId('pick-count')).toHaveText('3 elegidos: sobra 1, desmarca uno.');
		await boxes.nth(1).uncheck();
		await boxes.nth(2).uncheck();
		await expect(voter.getByTestId('pick-count')).toHaveText('1 de 2 elegidos.');

		await voter.getByRole('button', { name: 'Enviar mi papeleta' }).click();
		await expect(voter.getByTestId('ballot-saved')).toHaveText(
			'Tu papeleta está guardada: 1 proyecto. Puedes cambiarla hasta que se cierre la votación.'
		);
		await expect(voter.getByTestId('ballot-status')).toHaveText(/^Guardado a las \d{1,2}:\d{2}\.$/);
		await expect(voter.getByTestId('ballot-receipt')).toContainText('Tu comprobante:');

		await boxes.nth(1).check();
		await voter.getByRole('button', { name: 'Cambiar mi papeleta' }).click();
		await expect(voter.getByTestId('ballot-saved')).toContainText('Tu papeleta está guardada: 2 proyectos.', {
			timeout: 15_000
		});
		await expect(
			voter.getByRole('link', { name: /^Demo de Proyecto 1 .* \(se abre en una pestaña nueva\)$/ })
		).toHaveCount(1);
	});

	test('casting a ballot without JavaScript: the plain form post, in Spanish', async () => {
		await plainVoter.goto(`/events/${slug}/vote`);
		await expect(plainVoter.locator('html')).toHaveAttribute('lang', 'es');
		await expect(plainVoter.getByTestId('pick-count')).toHaveCount(0);
		await plainVoter.getByRole('checkbox').nth(2).check();
		await plainVoter.getByRole('checkbox').nth(3).check();
		await plainVoter.getByRole('button', { name: 'Enviar mi papeleta' }).click();
		await expect(plainVoter.getByTestId('ballot-saved')).toHaveText(
			'Tu papeleta está guardada: 2 proyectos. Puedes cambiarla hasta que se cierre la votación.'
		);
		const said = (await plainVoter.getByTestId('ballot-receipt').textContent())!;
		expect(said).toContain('Cuando se cierre la votación, el evento publicará los comprobantes');
		receipt = /[A-Z0-9]{5}-[A-Z0-9]{5}/.exec(said)![0];
		await expect(plainVoter.getByRole('button', { name: 'Cambiar mi papeleta' })).toBeVisible();
	});

	test('the results and the receipts, in Spanish, with and without JavaScript', async () => {
		await movePhase(owner, slug, 'closed');
		await voter.goto(`/events/${slug}`);
		await expect(voter.getByText('Este evento ha terminado. ¡Gracias por participar!')).toBeVisible();
		await voter.getByRole('link', { name: 'Ver los resultados' }).click();
		await expect(voter).toHaveTitle(`Clasificación · ${eventName} · Podium`);
		await expect(voter.getByRole('heading', { level: 1 })).toHaveText('Clasificación');
		await expect(voter.getByText('Resultados finales: un punto por voto.')).toBeVisible();
		const final = voter.getByRole('table', { name: 'Clasificación final, de mejor a peor' });
		await expect(final.getByRole('columnheader', { name: 'Puesto', exact: true })).toBeVisible();
		await expect(final.getByRole('columnheader', { name: 'Puntuación' })).toBeVisible();
		await expect(
			voter.getByRole('heading', { name: '¿Qué tan segura es esta clasificación?' })
		).toBeVisible();
		await expect(voter.getByTestId('margin')).toContainText('papeleta');

		await voter.getByRole('link', { name: 'Comprueba el comprobante de tu papeleta' }).click();
		await expect(voter.getByRole('heading', { level: 1 })).toHaveText('Papeletas contadas');
		await expect(voter.getByRole('heading', { level: 2 })).toHaveText('2 papeletas contadas');

		await plainVoter.goto(`/events/${slug}/receipts`);
		await plainVoter.getByLabel('Tu comprobante').fill(receipt);
		await plainVoter.getByRole('button', { name: 'Comprobar' }).click();
		await expect(plainVoter.getByTestId('receipt-check')).toHaveText(
			`El comprobante ${receipt} está en la lista: esa papeleta se contó.`
		);
		await plainVoter.getByLabel('Tu comprobante').fill('nada');
		await plainVoter.getByRole('button', { name: 'Comprobar' }).click();
		await expect(plainVoter.getByTestId('receipt-check')).toHaveText(
			'Eso no es un comprobante: un comprobante tiene 10 letras y cifras, como ABCDE-12345.'
		);
	});

	test('a closed ballot says so in Spanish', async () => {
		await voter.goto(`/events/${slug}/vote`);
		await expect(voter.getByRole('heading', { name: 'La votación se cerró' })).toBeVisible();
		await expect(voter.getByRole('link', { name: 'Ver los resultados' })).toBeVisible();
	});
});
