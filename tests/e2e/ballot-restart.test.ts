import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { generateToken, hashToken } from '../../src/lib/server/auth/tokens';
import { OwnServer } from './helpers/own-server';

// A deploy or a crash in the middle of voting: the app is down when the voter sends the ballot. The
// page keeps it, says so, and sends it by itself once the app is back.

test('a ballot sent while the app restarts is saved once it is back', async ({ browser }) => {
	test.setTimeout(120_000);
	const server = new OwnServer();
	const token = generateToken();
	const [owner, maker, voter, event, project] = Array.from({ length: 5 }, () => randomUUID());
	try {
		await server.withDatabase(async (db) => {
			await db.query(
				`INSERT INTO users (id, email, first_name, display_name, profile_completed_at)
				 SELECT id, id::text || '@example.test', 'Tester', 'Tester T.', now() FROM unnest($1::uuid[]) AS id`,
				[[owner, maker, voter]]
			);
			await db.query(
				`INSERT INTO events (id, name, slug, join_code, owner_id, phase)
				 VALUES ($1, 'Restart Fest', 'restart-fest', 'RSTART', $2, 'submission')`,
				[event, owner]
			);
			await db.query(`INSERT INTO event_attendees (event_id, user_id) VALUES ($1, $2), ($1, $3)`, [
				event,
				maker,
				voter
			]);
			await db.query(
				`INSERT INTO projects (id, name, join_code, owner_id, event_id) VALUES ($1, 'Kite Cam', 'KITECM', $2, $3)`,
				[project, maker, event]
			);
			await db.query(`UPDATE events SET phase = 'voting' WHERE id = $1`, [event]);
			await db.query(
				`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`,
				[hashToken(token), voter]
			);
		});
		await server.start();
		const context = await browser.newContext({ baseURL: server.origin });
		await context.addCookies([{ name: 'podium_session', value: token, url: server.origin }]);
		const page = await context.newPage();
		const status = page.getByTestId('ballot-status');
		await page.goto('/events/restart-fest/vote');
		await expect(status).toBeAttached();
		await page.getByLabel('Kite Cam').check();

		await server.stop();
		await page.getByRole('button', { name: 'Send my ballot' }).click();
		await expect(status).toHaveText(/Not sent yet — retrying in \d+ s/);
		await expect(page.getByLabel('Kite Cam')).toBeChecked();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your ballot');

		await server.start();
		// By its own next try: the retries are up to 30 s apart once the app has been down a while.
		await expect(status).toHaveText(/^Saved at \d{1,2}:\d{2}/, { timeout: 60_000 });
		await page.reload();
		await expect(page.getByLabel('Kite Cam')).toBeChecked();
		await expect(status).toHaveText(/^Saved at/);
		await context.close();
	} finally {
		await server.dispose();
	}
});
