import { describe, expect, it } from 'vitest';
import { shortlistSchema } from '../../src/lib/schemas/admin';
import type { Actor } from '../../src/lib/server/admin/access';
import {
	getShortlistSettings,
	summariseCoverage,
	updateShortlistSettings
} from '../../src/lib/server/results/coverage';
import { designRow } from '../../src/lib/server/results/ballot-design';
import { RuleViolation } from '../../src/lib/server/rules';
import { castBallot, getBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser, createVote } from '../helpers/factories';

// Issue 15 item 2: above the owner's threshold each ballot starts with a shortlist of the projects seen
// least so far, so that every project is seen by about as many voters as any other; the voter can open
// the full list, and picks from it count the same. The owner sees min, median and max impressions.

async function scene(count: number, shortlist?: { threshold: number | null; size: number }) {
	const owner = await createUser({ firstName: 'Olive' });
	const event = await createEvent({ ownerId: owner.id, phase: 'submission' });
	const projects = [];
	for (let i = 0; i < count; i++) projects.push(await createProject(event.id, { name: `Project ${i + 1}` }));
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	if (shortlist) await updateShortlistSettings(actorOf(owner), event.id, shortlist);
	return { owner, event, projects, ids: projects.map((p) => p.id) };
}

const actorOf = (user: { id: string; email: string }): Actor => ({
	id: user.id,
	email: user.email,
	displayName: 'Olive T.'
});

async function newVoter(eventId: string) {
	const voter = await createUser();
	await addAttendee(eventId, voter.id);
	return voter;
}

/** Impressions per project of the event, zeros included. */
async function seenCounts(eventId: string, ids: string[]) {
	const rows = await db.ballotImpression.groupBy({
		by: ['projectId'],
		where: { eventId },
		_count: { _all: true }
	});
	const counts = new Map(rows.map((r) => [r.projectId, r._count._all]));
	return ids.map((id) => counts.get(id) ?? 0);
}

const spread = (counts: number[]) => Math.max(...counts) - Math.min(...counts);

describe('shortlists for large events', () => {
	it('shows a shortlist above the threshold, the full list on request, and accepts picks from it', async () => {
		const { event, ids } = await scene(20, { threshold: 16, size: 8 });
		const voter = await newVoter(event.id);

		const ballot = await getBallot(voter.id, event.id);
		expect(ballot.shortlist).toEqual({ size: 8, full: false, total: 20 });
		expect(ballot.projects).toHaveLength(8);
		expect(ballot.limit).toBe(3);
		const shortlisted = ballot.projects.map((p) => p.id);
		const recorded = await db.ballotImpression.findMany({
			where: { eventId: event.id, voterId: voter.id },
			orderBy: { position: 'asc' }
		});
		expect(recorded.map((r) => [r.projectId, r.position])).toEqual(shortlisted.map((id, i) => [id, i + 1]));

		// The full list: the shortlist first, then the rest, now recorded as shown too.
		const full = await getBallot(voter.id, event.id, { full: true });
		expect(full.shortlist).toEqual({ size: 8, full: true, total: 20 });
		const everything = full.projects.map((p) => p.id);
		expect(everything.slice(0, 8)).toEqual(shortlisted);
		expect([...everything].sort()).toEqual([...ids].sort());
		const positions = await db.ballotImpression.findMany({
			where: { eventId: event.id, voterId: voter.id },
			orderBy: { position: 'asc' },
			select: { projectId: true, position: true }
		});
		expect(positions.map((p) => [p.projectId, p.position])).toEqual(everything.map((id, i) => [id, i + 1]));

		// A pick from outside the shortlist counts, and stays on the shortlist page so it can be unticked.
		const outside = everything[12];
		await castBallot(voter.id, event.id, [shortlisted[0], outside]);
		const back = await getBallot(voter.id, event.id);
		expect(back.projects.map((p) => p.id)).toEqual([...shortlisted, outside]);
		expect(back.picks.sort()).toEqual([shortlisted[0], outside].sort());
		expect(await db.vote.count({ where: { voterId: voter.id, projectId: outside } })).toBe(1);
	});

	it('shows and records a pick made before the ballot recorded anything (votes older than this)', async () => {
		const { event, projects } = await scene(20, { threshold: 16, size: 8 });
		const voter = await newVoter(event.id);
		// The first voter's shortlist is the start of design row 0 (nothing seen yet): pick beyond it.
		const row = designRow(event.id, projects, 0).map((p) => p.id);
		await createVote(voter.id, row[15]);
		const ballot = await getBallot(voter.id, event.id);
		expect(ballot.projects.map((p) => p.id)).toEqual([...row.slice(0, 8), row[15]]);
		const recorded = await db.ballotImpression.findMany({
			where: { eventId: event.id, voterId: voter.id },
			orderBy: { position: 'asc' },
			select: { projectId: true, position: true }
		});
		expect(recorded.map((r) => [r.projectId, r.position])).toEqual(
			[...row.slice(0, 8), row[15]].map((id, i) => [id, i + 1])
		);
	});

	it('shows the full list at or below the threshold, or when no threshold is set', async () => {
		const small = await scene(16, { threshold: 16, size: 8 });
		const a = await getBallot((await newVoter(small.event.id)).id, small.event.id);
		expect(a.shortlist).toBeNull();
		expect(a.projects).toHaveLength(16);
		const unset = await scene(18);
		const b = await getBallot((await newVoter(unset.event.id)).id, unset.event.id);
		expect(b.shortlist).toBeNull();
		expect(b.projects).toHaveLength(18);
	});

	it('gives each new ballot the projects seen least: counts never differ by more than one', async () => {
		const { event, ids } = await scene(20, { threshold: 16, size: 8 });
		for (let v = 0; v < 10; v++) {
			await getBallot((await newVoter(event.id)).id, event.id);
			expect(spread(await seenCounts(event.id, ids))).toBeLessThanOrEqual(1);
		}
		// 80 impressions over 20 projects: 4 each.
		expect(new Set(await seenCounts(event.id, ids))).toEqual(new Set([4]));
	});

	it('keeps the counts within one when many voters open the ballot at the same moment', async () => {
		const { event, ids } = await scene(20, { threshold: 16, size: 8 });
		const voters = [];
		for (let v = 0; v < 12; v++) voters.push(await newVoter(event.id));
		await Promise.all(voters.map((v) => getBallot(v.id, event.id)));
		const counts = await seenCounts(event.id, ids);
		expect(counts.reduce((a, b) => a + b, 0)).toBe(96);
		expect(spread(counts)).toBeLessThanOrEqual(1);
	});

	it('gives one voter opening the ballot in several tabs at once one shortlist', async () => {
		const { event } = await scene(20, { threshold: 16, size: 8 });
		const voter = await newVoter(event.id);
		const tabs = await Promise.all(Array.from({ length: 4 }, () => getBallot(voter.id, event.id)));
		const orders = tabs.map((b) => b.projects.map((p) => p.id).join());
		expect(new Set(orders).size).toBe(1);
		expect(tabs[0].projects).toHaveLength(8);
		expect(await db.ballotImpression.count({ where: { eventId: event.id, voterId: voter.id } })).toBe(8);
	});

	it('sees every project by 10 voters before any by 20, with project owners among the voters', async () => {
		const { event, projects, ids } = await scene(41, { threshold: 40, size: 8 });
		// The owners of the first 20 projects vote too: their own project is never on their shortlist.
		const voters = [...projects.slice(0, 20).map((p) => ({ id: p.ownerId }))];
		for (let v = 0; v < 40; v++) voters.push(await newVoter(event.id));
		for (const voter of voters) {
			await getBallot(voter.id, event.id);
			const counts = await seenCounts(event.id, ids);
			if (Math.max(...counts) >= 20) expect(Math.min(...counts)).toBeGreaterThanOrEqual(10);
			expect(spread(counts)).toBeLessThanOrEqual(2);
		}
		const coverage = await summariseCoverage(event.id);
		// 60 ballots × 8 = 480 impressions over 41 projects: 11 or 12 each.
		expect(coverage).toMatchObject({ projects: 41, ballots: 60, shortlisted: 60, underTen: 0 });
		expect(coverage.min).toBeGreaterThanOrEqual(11);
		expect(coverage.max).toBeLessThanOrEqual(12);
	});
});

describe('coverage for the owner', () => {
	it('gives min, median and max impressions per project, unseen projects counting as 0', async () => {
		const { event, ids } = await scene(4);
		expect(await summariseCoverage(event.id)).toEqual({
			projects: 4,
			min: 0,
			median: 0,
			max: 0,
			underTen: 4,
			ballots: 0,
			shortlisted: 0
		});
		// A project's owner never sees it on their ballot: 3 voters who own nothing, 1 who owns ids[0].
		for (let v = 0; v < 3; v++) await getBallot((await newVoter(event.id)).id, event.id);
		const ownerOfFirst = (await db.project.findUniqueOrThrow({ where: { id: ids[0] } })).ownerId;
		await getBallot(ownerOfFirst, event.id);
		expect(await summariseCoverage(event.id)).toEqual({
			projects: 4,
			min: 3,
			median: 4,
			max: 4,
			underTen: 4,
			ballots: 4,
			shortlisted: 0
		});
	});
});

describe('the shortlist setting', () => {
	it('is saved by the owner with an audit entry; others are refused, nothing changed', async () => {
		const { owner, event } = await scene(1);
		expect(await getShortlistSettings(event.id)).toEqual({ threshold: null, size: 12 });
		expect(await updateShortlistSettings(actorOf(owner), event.id, { threshold: 40, size: 10 })).toEqual({
			changed: true
		});
		expect(await getShortlistSettings(event.id)).toEqual({ threshold: 40, size: 10 });
		expect(await updateShortlistSettings(actorOf(owner), event.id, { threshold: 40, size: 10 })).toEqual({
			changed: false
		});
		const audit = await db.eventAuditLog.findMany({
			where: { eventId: event.id, action: 'settings_changed' }
		});
		expect(audit.map((a) => a.summary)).toEqual([
			'Ballots of more than 40 projects start with a shortlist of 10.'
		]);

		const stranger = await createUser();
		const refused = await updateShortlistSettings(actorOf(stranger), event.id, {
			threshold: 20,
			size: 8
		}).then(
			() => undefined,
			(e: unknown) => e
		);
		expect(refused).toBeInstanceOf(RuleViolation);
		expect(await getShortlistSettings(event.id)).toEqual({ threshold: 40, size: 10 });
	});

	it.each([
		[{ threshold: '15', size: '10' }, 'threshold'],
		[{ threshold: 'forty', size: '10' }, 'threshold'],
		[{ threshold: '40.5', size: '10' }, 'threshold'],
		[{ threshold: '40', size: '7' }, 'size'],
		[{ threshold: '40', size: '16' }, 'size'],
		[{ threshold: '40', size: '' }, 'size'],
		[{ threshold: '40' }, 'size']
	])('refuses %o with a message on the %s field', (values, field) => {
		const parsed = shortlistSchema.safeParse(values);
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues.map((i) => i.path[0])).toEqual([field]);
		expect(parsed.error?.issues[0].message).toMatch(/whole number/);
	});

	it('reads an empty threshold as "never" and trims what was typed', () => {
		expect(shortlistSchema.parse({ threshold: '', size: '12' })).toEqual({ threshold: null, size: 12 });
		expect(shortlistSchema.parse({ threshold: ' 40 ', size: ' 9 ' })).toEqual({ threshold: 40, size: 9 });
	});
});
