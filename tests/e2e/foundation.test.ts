import { expect, test } from '@playwright/test';

test('the home page shows the app with its layout and live counts', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveTitle(/Podium/);
	await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Podium');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Peer judging for hackathons');
	await expect(page.getByTestId('event-count')).toHaveText(/^\d+$/);
	await expect(page.locator('footer')).toContainText('Podium');
});

test('the health endpoint reports the database as reachable', async ({ request }) => {
	const response = await request.get('/health');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ status: 'ok', database: 'reachable' });
});

test('an unknown page shows the error page with a way back', async ({ page }) => {
	const response = await page.goto('/no-such-page');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await page.getByRole('link', { name: 'Back to the home page' }).click();
	await expect(page).toHaveURL(/\/$/);
});
