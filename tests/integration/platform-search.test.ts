import { describe, expect, it } from 'vitest';
import { COUNT_CAP, SEARCH_LIMIT, searchEverything } from '../../src/lib/server/platform/search';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// The platform admin's one search box: people, events and projects, grouped and capped, deleted ones
// included and marked.

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe('searching', () => {
	it('finds people by any part of the email or of a name, and by first and last name together', async () => {
		const ada = await make.createUser({
			email: 'ada.lovelace@analytical.test',
			firstName: 'Ada',
			lastName: 'Lovelace'
		});
		const grace = await make.createUser({ email: 'gh@navy.test', firstName: 'Grace', lastName: 'Hopper' });
		expect(ids((await searchEverything('analytical')).people.rows)).toEqual([ada.id]);
		expect(ids((await searchEverything('LOVELACE')).people.rows)).toEqual([ada.id]);
		expect(ids((await searchEverything('ada lovel')).people.rows)).toEqual([ada.id]);
		expect(ids((await searchEverything('hopp')).people.rows)).toEqual([grace.id]);
		// Below three characters a word matches the start of an email or a name.
		expect(ids((await searchEverything('gh')).people.rows)).toContain(grace.id);
		const found = (await searchEverything('ada.lovelace@analytical.test')).people;
		expect(found).toEqual({
			rows: [{ id: ada.id, email: ada.email, name: 'Ada Lovelace', displayName: 'Ada E.', deleted: false }],
			count: 1,
			capped: false
		});
	});

	it('finds events by name, slug or join code (any case), and projects by name or join code', async () => {
		const owner = await make.createUser({ email: 'owner-srch@example.test' });
		const event = await make.createEvent({ ownerId: owner.id, name: 'Scrapyard Zanzibar' });
		const project = await make.createProject(event.id, { name: 'Zanzibar Weather Bot' });
		const byName = await searchEverything('zanzibar');
		expect(ids(byName.events.rows)).toEqual([event.id]);
		expect(byName.events.rows[0]).toMatchObject({
			slug: event.slug,
			joinCode: event.joinCode,
			ownerEmail: owner.email
		});
		expect(byName.projects.rows).toEqual([
			{
				id: project.id,
				name: 'Zanzibar Weather Bot',
				joinCode: project.joinCode,
				eventId: event.id,
				eventName: event.name,
				eventDeleted: false
			}
		]);
		expect(ids((await searchEverything(event.slug)).events.rows)).toEqual([event.id]);
		expect(ids((await searchEverything(event.joinCode.toLowerCase())).events.rows)).toEqual([event.id]);
		expect(ids((await searchEverything(project.joinCode.toLowerCase())).projects.rows)).toEqual([project.id]);
	});

	it('finds the person, event or project with a given id, and nothing else', async () => {
		const person = await make.createUser();
		const event = await make.createEvent({ ownerId: person.id });
		const project = await make.createProject(event.id);
		for (const [id, kind] of [
			[person.id, 'people'],
			[event.id.toUpperCase(), 'events'],
			[project.id, 'projects']
		] as const) {
			const found = await searchEverything(id);
			expect(ids(found[kind].rows)).toEqual([id.toLowerCase()]);
			const others = (['people', 'events', 'projects'] as const).filter((k) => k !== kind);
			for (const other of others) expect(found[other].count).toBe(0);
		}
		const nothing = await searchEverything(crypto.randomUUID());
		expect([nothing.people.count, nothing.events.count, nothing.projects.count]).toEqual([0, 0, 0]);
	});

	it('includes deleted people and soft-deleted events, marked', async () => {
		const person = await make.createUser({ email: 'gone-person-qq@example.test' });
		await db.user.update({ where: { id: person.id }, data: { deletedAt: new Date() } });
		const event = await make.createEvent({ name: 'Qqgone Hackathon' });
		const project = await make.createProject(event.id, { name: 'Qqgone Project' });
		await db.event.update({ where: { id: event.id }, data: { deletedAt: new Date() } });
		expect((await searchEverything('gone-person-qq')).people.rows).toMatchObject([
			{ id: person.id, deleted: true }
		]);
		const found = await searchEverything('qqgone');
		expect(found.events.rows).toMatchObject([{ id: event.id, deleted: true }]);
		expect(found.projects.rows).toMatchObject([{ id: project.id, eventDeleted: true }]);
	});

	it('caps each group at its limit and says how many match', async () => {
		await db.user.createMany({
			data: Array.from({ length: SEARCH_LIMIT + 5 }, (_, i) => ({
				email: `capped-${String(i).padStart(2, '0')}@many.test`,
				firstName: 'Capped'
			}))
		});
		const found = await searchEverything('many.test');
		expect(found.people.rows).toHaveLength(SEARCH_LIMIT);
		expect(found.people.count).toBe(SEARCH_LIMIT + 5);
		expect(found.people.capped).toBe(false);
		expect(found.people.rows[0].email).toBe('capped-00@many.test');
		expect(found.events.count).toBe(0);
		expect(COUNT_CAP).toBeGreaterThan(SEARCH_LIMIT);
	});

	it('treats LIKE wildcards as text, and an empty search as no search', async () => {
		await make.createUser({ email: 'percent-owner@example.test' });
		expect((await searchEverything('%')).people.count).toBe(0);
		expect((await searchEverything('___')).people.count).toBe(0);
		expect(await searchEverything('   ')).toEqual({
			q: '',
			people: { rows: [], count: 0, capped: false },
			events: { rows: [], count: 0, capped: false },
			projects: { rows: [], count: 0, capped: false }
		});
	});
});

describe('the order of people found', () => {
	it('puts the person with exactly the typed email first, then the others by email', async () => {
		const emails = ['zed@order.test', 'a-zed@order.test', 'b-zed@order.test'];
		for (const email of emails) await make.createUser({ email });
		const found = await searchEverything('zed@order.test');
		expect(found.people.rows.map((r) => r.email)).toEqual([
			'zed@order.test',
			'a-zed@order.test',
			'b-zed@order.test'
		]);
		expect(found.people.count).toBe(3);
	});
});
