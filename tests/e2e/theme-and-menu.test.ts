import { expect, test, type Page } from '@playwright/test';
import { PHONE } from './helpers/page-walk';
import { post, send, urlencoded } from './helpers/requests';
import { createEvent, movePhase, person } from './helpers/voting';

// Issue 13, items 3 and 8: the header's menu on a phone and the theme switch, with JavaScript and
// without; the theme the server renders (no flash), and the shared page cache keeping themes apart.

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
/** Whether a computed colour is dark (its lightness in oklch, or its RGB average). */
async function looksDark(page: Page): Promise<boolean> {
	const colour = await background(page);
	const oklch = /oklch\(([\d.]+)/.exec(colour);
	if (oklch) return Number(oklch[1]) < 0.5;
	const rgb = colour.match(/\d+/g)!.slice(0, 3).map(Number);
	return rgb.reduce((a, b) => a + b, 0) / 3 < 128;
}
const menuButton = (page: Page) => page.locator('header summary', { hasText: 'Menu' });
const themeButton = (page: Page, name: string) =>
	page.getByRole('group', { name: 'Theme' }).getByRole('button', { name, exact: true });

test.describe('without JavaScript', () => {
	test.use({ ...PHONE, javaScriptEnabled: false });

	test('the phone menu opens, and the theme switch is a form that remembers the choice', async ({ page }) => {
		await page.goto('/sign-in');
		const signIn = page.getByTestId('account-area').getByRole('link', { name: 'Sign in' });
		await expect(signIn).toBeHidden();
		await menuButton(page).click();
		await expect(signIn).toBeVisible();
		await expect(themeButton(page, 'System')).toHaveAttribute('aria-pressed', 'true');

		await themeButton(page, 'Dark').click();
		// Back on the same page, rendered dark by the server.
		await expect(page).toHaveURL(/\/sign-in$/);
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
		expect(await looksDark(page)).toBe(true);
		await page.reload();
		expect(await looksDark(page)).toBe(true);

		await menuButton(page).click();
		await themeButton(page, 'Light').click();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
		await page.emulateMedia({ colorScheme: 'dark' });
		expect(await looksDark(page), 'a chosen light theme wins over a dark device').toBe(false);

		// System forgets the choice: the device decides again.
		await menuButton(page).click();
		await themeButton(page, 'System').click();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
		expect((await page.context().cookies()).some((cookie) => cookie.name === 'theme')).toBe(false);
		expect(await looksDark(page)).toBe(true);
		await page.emulateMedia({ colorScheme: 'light' });
		expect(await looksDark(page)).toBe(false);
	});
});

test('with JavaScript the theme switches in place, and Escape closes the phone menu', async ({ browser }) => {
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	await page.goto('/sign-in');
	await page.getByLabel('Email address').fill('typed@example.test');
	await menuButton(page).click();
	await themeButton(page, 'Dark').click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await expect(themeButton(page, 'Dark')).toHaveAttribute('aria-pressed', 'true');
	expect(await looksDark(page)).toBe(true);
	// No reload: what was typed is still there.
	await expect(page.getByLabel('Email address')).toHaveValue('typed@example.test');
	expect((await context.cookies()).find((cookie) => cookie.name === 'theme')?.value).toBe('dark');

	await page.keyboard.press('Escape');
	await expect(themeButton(page, 'Dark')).toBeHidden();
	await expect(menuButton(page)).toBeFocused();

	// A link in the menu closes it once it has taken the person there.
	await menuButton(page).click();
	await page.getByRole('link', { name: 'Home', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('link', { name: 'Home', exact: true })).toBeHidden();
	await context.close();
});

test('on a wide screen the links sit in the header, with no menu button', async ({ page }) => {
	await page.setViewportSize({ width: 1024, height: 700 });
	await page.goto('/');
	await expect(menuButton(page)).toBeHidden();
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' })
	).toBeVisible();
	await expect(page.getByTestId('account-area').getByRole('link', { name: 'Sign in' })).toBeVisible();
	await expect(themeButton(page, 'Light')).toBeVisible();
});

test('a theme that is not one gets a clear message, and the page cache keeps themes apart', async ({
	browser,
	playwright,
	baseURL
}) => {
	test.setTimeout(60_000);
	const visitor = await playwright.request.newContext({ baseURL });
	const refused = await post(visitor, baseURL!, '/theme', urlencoded([['theme', 'purple']]));
	expect(refused.status).toBe(400);
	expect(refused.body).toContain('Choose the system, light or dark theme.');
	// A redirect elsewhere is not followed: back to the theme page.
	const away = await post(
		visitor,
		baseURL!,
		'/theme',
		urlencoded([
			['theme', 'dark'],
			['redirectTo', 'https://evil.example/']
		])
	);
	expect(away.status).toBe(303);
	expect(away.headers.location).toBe('/theme');

	// The closed leaderboard is a public page the server caches for signed-out visitors.
	const owner = await person(browser, 'Theo');
	const event = await createEvent(owner, 'Theme Cache');
	await movePhase(owner, event.slug, 'voting');
	await movePhase(owner, event.slug, 'closed');
	const path = `/events/${event.slug}/leaderboard`;
	// A visitor without a theme cookie (the one above now has one).
	const fresh = await playwright.request.newContext({ baseURL });
	const plain = await send(fresh, path);
	expect(plain.status).toBe(200);
	expect(plain.headers['cache-control']).toMatch(/public/);
	expect(plain.headers.vary).toMatch(/Cookie/i);
	expect(plain.body).toContain('data-theme="system"');
	const dark = await send(visitor, path);
	expect(dark.body).toContain('data-theme="dark"');
	const plainAgain = await send(fresh, path);
	expect(plainAgain.body).toContain('data-theme="system"');
	await owner.context().close();
	await visitor.dispose();
	await fresh.dispose();
});
