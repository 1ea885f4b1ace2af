import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { needServerDatabase, onServerDatabase } from './helpers/server-database';
import { createEvent, movePhase, person } from './helpers/voting';

// Issue 12: the owner's results page of a big event shows the first 100 rows of the ranking, with a plain
// link to all of them (a 500-project event's whole table was 300 KB on every load and reload).
//
// The event's 101 projects are written straight into the server's database (as shortlist.test.ts does).
needServerDatabase();

/** `count` projects, each with its own maker attending the event, in one statement each. */
async function addProjects(slug: string, count: number) {
	await onServerDatabase((client) =>
		client.query(
			`WITH e AS (SELECT id FROM events WHERE slug = $1),
			makers AS (
				INSERT INTO users (email, first_name, display_name, profile_completed_at)
				SELECT 'maker-' || $1 || '-' || i || '@example.test', 'Maker', 'Maker ' || i, now()
				FROM generate_series(1, $2::int) AS i RETURNING id, display_name),
			attending AS (
				INSERT INTO event_attendees (event_id, user_id) SELECT e.id, makers.id FROM e, makers)
			INSERT INTO projects (name, join_code, owner_id, event_id)
			SELECT 'Gadget ' || lpad(substr(makers.display_name, 7), 3, '0'),
				upper(substr(md5(random()::text), 1, 10)), makers.id, e.id
			FROM e, makers`,
			[slug, count]
		)
	);
}

test("a big event's results page shows the first 100 places, and all of them by a link", async ({
	browser
}) => {
	test.setTimeout(120_000);
	const owner = await person(browser, 'Olive');
	const { slug } = await createEvent(owner, 'Huge Fest');
	await addProjects(slug, 101);
	await movePhase(owner, slug, 'voting');

	await owner.goto(`/events/${slug}/admin/results`);
	const ranking = owner.getByTestId('live-ranking');
	await expect(ranking.getByTestId('ranking-row')).toHaveCount(100);
	await expect(ranking.getByTestId('ranking-row').first()).toContainText('Gadget 001');
	await expect(ranking.getByTestId('ranking-more')).toHaveText(
		/The top 100 of 101 projects\.\s+Show them all/
	);
	await expectAccessible(owner, 'results page of a big event');

	await ranking.getByRole('link', { name: 'Show them all' }).click();
	await expect(owner).toHaveURL(/places=all/);
	await expect(ranking.getByTestId('ranking-row')).toHaveCount(101);
	await expect(ranking.getByTestId('ranking-row').last()).toContainText('Gadget 101');
	await expect(ranking.getByTestId('ranking-more')).toHaveCount(0);
});
