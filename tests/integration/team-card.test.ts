import { describe, expect, it } from 'vitest';
import { getTeamResultsCard, ordinal } from '../../src/lib/server/results/team-card';
import { getBallot } from '../../src/lib/server/voting';
import { db } from '../helpers/db';
import {
	addAttendee,
	addCollaborator,
	createEvent,
	createProject,
	createUser,
	createVote
} from '../helpers/factories';

// Issue 15 item 6: after close, a team sees its rank (shared ranks as "Tied 2nd"), votes, legacy points,
// how many voters' ballots showed the project, and the turnout; nobody else sees this card, nor anyone
// before the event closes.

async function scene() {
	const event = await createEvent({ phase: 'submission' });
	const owner = await createUser({ firstName: 'Olga' });
	const mate = await createUser({ firstName: 'Mo' });
	const ours = await createProject(event.id, { ownerId: owner.id, name: 'Ours' });
	await addCollaborator(ours.id, mate.id);
	const tied = await createProject(event.id, { name: 'Tied' });
	const top = await createProject(event.id, { name: 'Top' });
	const last = await createProject(event.id, { name: 'Last' });
	await db.project.update({ where: { id: ours.id }, data: { legacyPoints: 1 } });
	await db.event.update({ where: { id: event.id }, data: { phase: 'voting' } });
	// Three voters open the ballot (so it shows them "Ours"), two vote; one attendee never votes.
	const voters = [await createUser(), await createUser(), await createUser()];
	for (const v of voters) {
		await addAttendee(event.id, v.id);
		await getBallot(v.id, event.id);
	}
	await createVote(voters[0].id, ours.id); // Ours: 1 vote + 1 legacy point = 2
	await createVote(voters[0].id, top.id);
	await createVote(voters[1].id, top.id); // Top: 3
	await createVote(voters[1].id, tied.id);
	await createVote(voters[2].id, top.id);
	await createVote(voters[2].id, tied.id); // Tied: 2
	return { event, owner, mate, ours, tied, top, last, voters };
}

describe('the team results card', () => {
	it('shows the team its shared rank, votes, legacy points, ballots that showed it and turnout', async () => {
		const s = await scene();
		expect(await getTeamResultsCard(s.ours.id, s.owner.id)).toBeNull(); // still voting
		await db.event.update({ where: { id: s.event.id }, data: { phase: 'closed' } });

		const card = await getTeamResultsCard(s.ours.id, s.owner.id);
		expect(card).toEqual({
			rank: 2,
			rankLabel: 'Tied 2nd',
			tiedWith: 1,
			projects: 4,
			votes: 1,
			legacyPoints: 1,
			score: 2,
			shownTo: 3,
			// The owners of Tied, Top and Last attend too (they never voted), as do Olga and the 3 voters.
			turnout: { voted: 3, attendees: 7 }
		});
		expect(await getTeamResultsCard(s.ours.id, s.mate.id)).toEqual(card);
		const top = await getTeamResultsCard(
			s.top.id,
			(await db.project.findUniqueOrThrow({ where: { id: s.top.id } })).ownerId
		);
		expect(top).toMatchObject({ rank: 1, rankLabel: '1st', tiedWith: 0, votes: 3, shownTo: 3 });
	});

	it('is for the team only: not for voters, other teams, strangers or signed-out visitors', async () => {
		const s = await scene();
		await db.event.update({ where: { id: s.event.id }, data: { phase: 'closed' } });
		const stranger = await createUser();
		const otherOwner = (await db.project.findUniqueOrThrow({ where: { id: s.top.id } })).ownerId;
		for (const viewer of [s.voters[0].id, otherOwner, stranger.id, undefined]) {
			expect(await getTeamResultsCard(s.ours.id, viewer)).toBeNull();
		}
		await db.event.update({ where: { id: s.event.id }, data: { deletedAt: new Date() } });
		expect(await getTeamResultsCard(s.ours.id, s.owner.id)).toBeNull();
	});

	it('names ranks in English', () => {
		expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
			'1st',
			'2nd',
			'3rd',
			'4th',
			'11th',
			'12th',
			'13th',
			'21st',
			'22nd',
			'23rd',
			'101st',
			'111th'
		]);
	});
});
