import { describe, expect, it } from 'vitest';
import { HOME_EVENT_LIMIT, listMyHomeEvents, nextStepFor } from '../../src/lib/server/home';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

describe('the next step on the home page', () => {
	it('follows the phase and what the person has done', () => {
		expect(nextStepFor('submission', { voted: false })).toBe('submit');
		expect(nextStepFor('submission', { projectId: 'p', voted: false })).toBe('edit-project');
		expect(nextStepFor('voting', { voted: false })).toBe('vote');
		expect(nextStepFor('voting', { voted: true })).toBe('change-ballot');
		expect(nextStepFor('closed', { voted: true })).toBe('results');
	});
});

describe('listMyHomeEvents', () => {
	it("lists a person's events with their project and next step; drafts, deleted and others' events stay out", async () => {
		const me = await make.createUser();
		const teammate = await make.createUser();
		const submission = await make.createEvent({ name: 'Sub' });
		const voting = await make.createEvent({ name: 'Vot', phase: 'voting' });
		const closed = await make.createEvent({ name: 'Clo', phase: 'closed' });
		const draft = await make.createEvent({ name: 'Dra', phase: 'draft' });
		const deleted = await make.createEvent({ name: 'Del' });
		await db.event.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
		const notMine = await make.createEvent({ name: 'Other' });
		const mine = await make.createEvent({ name: 'Mine', ownerId: me.id, phase: 'draft' });
		for (const event of [submission, voting, closed, draft, deleted]) await make.addAttendee(event.id, me.id);
		await make.addAttendee(notMine.id, teammate.id);
		// A project in the voting event whose team I am on (not its owner); a ballot saved there.
		const shared = await make.createProject(voting.id, { ownerId: teammate.id, name: 'Shared' });
		await make.addCollaborator(shared.id, me.id);
		await db.eventAttendee.update({
			where: { eventId_userId: { eventId: voting.id, userId: me.id } },
			data: { ballotSavedAt: new Date() }
		});
		const own = await make.createProject(submission.id, { ownerId: me.id, name: 'Own' });

		const home = await listMyHomeEvents(me.id);
		const byName = Object.fromEntries(home.attending.map((e) => [e.name, e]));
		expect(Object.keys(byName).sort()).toEqual(['Clo', 'Sub', 'Vot']);
		expect(byName.Sub).toMatchObject({ phase: 'submission', step: 'edit-project', project: { id: own.id } });
		expect(byName.Vot).toMatchObject({ phase: 'voting', step: 'change-ballot', project: { name: 'Shared' } });
		expect(byName.Clo).toMatchObject({ phase: 'closed', step: 'results', project: null });
		expect(home.owned).toEqual([{ name: 'Mine', slug: mine.slug, phase: 'draft', step: 'manage' }]);
		expect(home).toMatchObject({ moreAttending: false, moreOwned: false });
	});

	it(`shows the latest ${HOME_EVENT_LIMIT} events attended and says there are more`, async () => {
		const me = await make.createUser();
		const events = [];
		for (let i = 0; i < HOME_EVENT_LIMIT + 2; i++) {
			const event = await make.createEvent();
			await db.eventAttendee.create({
				data: { eventId: event.id, userId: me.id, joinedAt: new Date(Date.UTC(2026, 0, 1, 0, i)) }
			});
			events.push(event);
		}
		const home = await listMyHomeEvents(me.id);
		expect(home.attending).toHaveLength(HOME_EVENT_LIMIT);
		expect(home.attending[0].slug).toBe(events.at(-1)!.slug);
		expect(home.moreAttending).toBe(true);
	});
});
