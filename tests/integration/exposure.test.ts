import { describe, expect, it } from 'vitest';
import { designRow } from '../../src/lib/server/results/ballot-design';
import { getBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import { addAttendee, createEvent, createProject, createUser } from '../helpers/factories';

// Issue 15 item 1: each voter's ballot follows a row of the event's balanced design, handed out in the
// order voters first open the ballot, stable for them; what the ballot shows is recorded in
// ballot_impressions (one row per voter and project, at the position where it was first shown).

async function scene(count: number) {
	const event = await createEvent({ phase: 'submission' });
	const projects = [];
	for (let i = 0; i < count; i++) projects.push(await createProject(event.id, { name: `Project ${i + 1}` }));
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	return { event, projects, ids: projects.map((p) => p.id) };
}

async function newVoter(eventId: string) {
	const voter = await createUser();
	await addAttendee(eventId, voter.id);
	return voter;
}

const impressionsOf = (eventId: string, voterId: string) =>
	db.ballotImpression.findMany({
		where: { eventId, voterId },
		select: { projectId: true, position: true, shownAt: true },
		orderBy: { position: 'asc' }
	});

describe('balanced ballot order', () => {
	it('records each project the ballot shows at its position, and shows the same order on every visit', async () => {
		const { event, ids } = await scene(9);
		const voter = await newVoter(event.id);
		const own = await createProject(event.id, { ownerId: voter.id, name: 'Mine' });

		const ballot = await getBallot(voter.id, event.id);
		const order = ballot.projects.map((p) => p.id);
		expect([...order].sort()).toEqual([...ids].sort());
		const recorded = await impressionsOf(event.id, voter.id);
		expect(recorded.map((i) => [i.projectId, i.position])).toEqual(order.map((id, i) => [id, i + 1]));
		expect(recorded.map((i) => i.projectId)).not.toContain(own.id);

		const again = await getBallot(voter.id, event.id);
		expect(again.projects.map((p) => p.id)).toEqual(order);
		// A second visit records nothing new: the rows keep the time the projects were first shown.
		expect(await impressionsOf(event.id, voter.id)).toEqual(recorded);
		expect(ballot.shortlist).toBeNull();
	});

	it('hands out design rows in the order voters open the ballot, each ballot following its row', async () => {
		const { event, projects } = await scene(7);
		const voters = [];
		for (let i = 0; i < 4; i++) voters.push(await newVoter(event.id));
		for (const [k, voter] of voters.entries()) {
			const ballot = await getBallot(voter.id, event.id);
			expect(ballot.projects.map((p) => p.id)).toEqual(designRow(event.id, projects, k).map((p) => p.id));
		}
		const rows = await db.ballotAssignment.findMany({
			where: { eventId: event.id },
			select: { voterId: true, designRow: true }
		});
		expect(new Map(rows.map((r) => [r.voterId, r.designRow]))).toEqual(
			new Map(voters.map((v, k) => [v.id, k]))
		);
		// Every voter saw a different project at the top.
		const tops = await db.ballotImpression.findMany({ where: { eventId: event.id, position: 1 } });
		expect(new Set(tops.map((t) => t.projectId)).size).toBe(4);
	});

	it('gives voters opening the ballot at the same moment distinct rows, and one voter on many tabs one', async () => {
		const { event } = await scene(8);
		const voters = [];
		for (let i = 0; i < 10; i++) voters.push(await newVoter(event.id));
		await Promise.all(voters.map((v) => getBallot(v.id, event.id)));
		const rows = await db.ballotAssignment.findMany({
			where: { eventId: event.id },
			select: { designRow: true }
		});
		expect(rows.map((r) => r.designRow).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);

		const keen = await newVoter(event.id);
		const tabs = await Promise.all(Array.from({ length: 4 }, () => getBallot(keen.id, event.id)));
		const orders = tabs.map((b) => b.projects.map((p) => p.id));
		expect(new Set(orders.map((o) => o.join()))).toEqual(new Set([orders[0].join()]));
		expect(await db.ballotAssignment.count({ where: { eventId: event.id, voterId: keen.id } })).toBe(1);
		expect(await db.ballotImpression.count({ where: { eventId: event.id, voterId: keen.id } })).toBe(8);
		const later = await getBallot(keen.id, event.id);
		expect(later.projects.map((p) => p.id)).toEqual(orders[0]);
	});

	it("keeps a voter's order when a project is removed, and drops their record when they are removed", async () => {
		const { event, projects } = await scene(6);
		const voter = await newVoter(event.id);
		const first = (await getBallot(voter.id, event.id)).projects.map((p) => p.id);
		await db.project.delete({ where: { id: projects[2].id } });
		const after = (await getBallot(voter.id, event.id)).projects.map((p) => p.id);
		expect(after).toEqual(first.filter((id) => id !== projects[2].id));

		await db.eventAttendee.delete({ where: { eventId_userId: { eventId: event.id, userId: voter.id } } });
		expect(await db.ballotImpression.count({ where: { voterId: voter.id } })).toBe(0);
		expect(await db.ballotAssignment.count({ where: { voterId: voter.id } })).toBe(0);
	});

	it('records nothing for a ballot refused (not attending, or voting not open)', async () => {
		const { event } = await scene(4);
		const stranger = await createUser();
		await expect(getBallot(stranger.id, event.id)).rejects.toThrow(/attendees/);
		const voter = await newVoter(event.id);
		await db.event.update({ where: { id: event.id }, data: { phase: 'closed' } });
		await expect(getBallot(voter.id, event.id)).rejects.toThrow(/closed/);
		expect(await db.ballotImpression.count({ where: { eventId: event.id } })).toBe(0);
		expect(await db.ballotAssignment.count({ where: { eventId: event.id } })).toBe(0);
	});
});

describe('merging two accounts of one person', () => {
	it("keeps what either account's ballot showed, as shown to the account kept", async () => {
		const { mergePeople, planMerge } = await import('../../src/lib/server/platform/merge');
		const { adminActor } = await import('../helpers/platform-people');
		const { event, ids } = await scene(5);
		const [D, K] = [await newVoter(event.id), await newVoter(event.id)];
		await getBallot(D.id, event.id);
		await db.ballotImpression.updateMany({
			where: { voterId: D.id },
			data: { shownAt: new Date(Date.now() - 3_600_000) }
		});
		// D saw every project first; K sees them now, except the one K's team made (K never sees it).
		await db.projectCollaborator.create({ data: { projectId: ids[0], userId: K.id } });
		await getBallot(K.id, event.id);
		const dupSeen = await impressionsOf(event.id, D.id);
		const keptRow = await db.ballotAssignment.findUniqueOrThrow({
			where: { eventId_voterId: { eventId: event.id, voterId: K.id } }
		});

		const { actor } = await adminActor();
		const plan = await planMerge(D.id, K.email);
		await mergePeople(actor, D.id, K.email, plan.fingerprint);

		const kept = await impressionsOf(event.id, K.id);
		expect(kept.map((i) => i.projectId).sort()).toEqual(ids.slice(1).sort());
		// The first showing wins: D's, made before K's.
		for (const row of kept) {
			const first = dupSeen.find((d) => d.projectId === row.projectId)!;
			expect([row.position, row.shownAt]).toEqual([first.position, first.shownAt]);
		}
		expect(await db.ballotImpression.count({ where: { voterId: D.id } })).toBe(0);
		expect(
			await db.ballotAssignment.findUniqueOrThrow({
				where: { eventId_voterId: { eventId: event.id, voterId: K.id } }
			})
		).toEqual(keptRow);
	});
});
