import { describe, expect, it } from 'vitest';
import { countScaleData, findBrokenRules } from '../../scripts/scale/checks';
import { planEvents } from '../../scripts/scale/plan';
import { loadScaleData, readSeedMarker, SEED_VERSION, type Sql } from '../../scripts/scale/seed';
import { scaledSizes } from '../../scripts/scale/sizes';
import { db } from '../helpers/db';

// The scale seed (npm run seed:scale) at a thousandth of its size, on the test's own database (the
// embedded one or the server): it loads with the triggers off, so the rules they hold are proven here
// by the same SQL checks the seed runs, and those checks are shown to catch a broken row.

const sizes = scaledSizes(0.001, { events: 12, votes: 600, admins: 2, platformAudit: 12 });

/** Runs `work` in one transaction through the app's client, as the seed's `Sql`. */
function inTransaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
	return db.$transaction((tx) => work({ query: (text) => tx.$queryRawUnsafe(text) }), {
		timeout: 60_000,
		maxWait: 10_000
	});
}

class RolledBack extends Error {}

describe('the scale seed at a thousandth of its size', () => {
	it('makes exactly the rows asked for, in every phase, and every rule holds', async () => {
		expect(planEvents(sizes).votesShort).toBe(0);
		const broken = await inTransaction(async (sql) => {
			await loadScaleData(sql, sizes);
			return findBrokenRules(sql);
		});
		expect(broken).toEqual({});

		const counts = await inTransaction(countScaleData);
		expect(counts).toMatchObject({
			people: sizes.people,
			admins: sizes.admins,
			events: sizes.events,
			projects: sizes.projects,
			collaborators: sizes.collaborators,
			attendances: sizes.attendances,
			votes: sizes.votes,
			eventAudit: expect.any(Number),
			platformAudit: sizes.platformAudit
		});
		expect(Object.keys(counts.eventsByPhase).sort()).toEqual(['closed', 'draft', 'submission', 'voting']);
		expect(counts.deletedEvents).toBeGreaterThanOrEqual(1);
		expect(counts.referrals).toBeGreaterThan(sizes.attendances * 0.25);
		expect(counts.referrals).toBeLessThan(sizes.attendances * 0.55);
		expect(counts.referralAnswers).toBeGreaterThan(5);
		expect(counts.referralAnswers).toBeLessThanOrEqual(30);
		expect(counts.voters).toBeGreaterThan(0);
		expect(await inTransaction(readSeedMarker)).toEqual({ version: SEED_VERSION, sizes });

		// The benchmark's featured events: one in voting, one closed; the closed one's voters all voted.
		const featured = await db.event.findMany({
			where: { slug: { in: ['scale-voting', 'scale-closed'] } },
			select: {
				slug: true,
				phase: true,
				_count: { select: { projects: true, attendees: true, votes: true } }
			},
			orderBy: { slug: 'asc' }
		});
		expect(featured.map((e) => [e.slug, e.phase])).toEqual([
			['scale-closed', 'closed'],
			['scale-voting', 'voting']
		]);
		for (const event of featured) expect(event._count.votes).toBeGreaterThan(0);

		// The checks catch what the triggers would have refused (rolled back afterwards).
		const caught = await inTransaction(async (sql) => {
			await sql.query(`SET LOCAL session_replication_role = replica`);
			await sql.query(`INSERT INTO votes (voter_id, project_id, event_id)
				SELECT p.owner_id, p.id, p.event_id FROM projects p ORDER BY p.id LIMIT 1`);
			await sql.query(`INSERT INTO referrals (content, user_id, event_id)
				SELECT 'Again', r.user_id, r.event_id FROM referrals r ORDER BY r.id LIMIT 1`);
			throw new RolledBack(JSON.stringify(await findBrokenRules(sql)));
		}).catch((error) => {
			if (error instanceof RolledBack) return JSON.parse(error.message);
			throw error;
		});
		// (The owner's extra vote may also take them over their limit: that is reported too.)
		expect(caught).toMatchObject({
			'no votes for your own or your team’s project': 1,
			'one referral per attendee per event': 1
		});
		expect((await inTransaction(countScaleData)).votes).toBe(sizes.votes);
	});
});
