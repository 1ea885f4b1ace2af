import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { changeEmailSchema } from '../../src/lib/schemas/people';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/sessions';
import { signInWithLink } from '../../src/lib/server/auth/sign-in-links';
import { generateToken, hashToken } from '../../src/lib/server/auth/tokens';
import { removeAttendee } from '../../src/lib/server/admin/attendees';
import { rankProjects } from '../../src/lib/server/leaderboard';
import { grantPlatformAdmin, revokePlatformAdmin } from '../../src/lib/server/platform/admins';
import { deletePerson, describeDeletion } from '../../src/lib/server/platform/deletion';
import { describePerson, listPeople, PEOPLE_PAGE_SIZE } from '../../src/lib/server/platform/people';
import {
	changeEmail,
	revealPrivateFields,
	signOutEverywhere
} from '../../src/lib/server/platform/person-actions';
import { exportPerson } from '../../src/lib/server/platform/person-export';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';
import { adminActor, auditOf, callRoute, snapshotOf } from '../helpers/platform-people';

const PRIVATE = {
	phone: '+1 555 0100',
	street1: '1 Secret Lane',
	city: 'Hiddenville',
	zipCode: '99999',
	country: 'US',
	dob: new Date('2001-02-03')
};

/** A person with a full profile who attends, owns, teams up, votes and answered the referral question. */
async function busyPerson() {
	const person = await make.createUser({ firstName: 'Busy', lastName: 'Bee' });
	await db.user.update({ where: { id: person.id }, data: PRIVATE });
	const event = await make.createEvent({ name: `Busy Jam ${randomUUID().slice(0, 4)}`, phase: 'voting' });
	const own = await make.createProject(event.id, { ownerId: person.id, name: 'Bee Hive' });
	const mate = await make.createUser({ firstName: 'Mate' });
	await make.addAttendee(event.id, mate.id);
	await make.addCollaborator(own.id, mate.id);
	const others = await Promise.all([1, 2, 3].map(() => make.createProject(event.id)));
	await make.addCollaborator(others[0].id, person.id);
	await make.createVote(person.id, others[1].id);
	await make.createVote(person.id, others[2].id);
	await db.referral.create({ data: { content: 'A poster at school', userId: person.id, eventId: event.id } });
	const owned = await make.createEvent({ ownerId: person.id, name: 'Bee Summit' });
	return { person, event, own, mate, others, owned };
}

describe('the people directory', () => {
	it('pages by email with keyset cursors, filters by prefix and marks deleted people', async () => {
		const tag = `dir${randomUUID().slice(0, 6)}`;
		await db.user.createMany({
			data: Array.from({ length: PEOPLE_PAGE_SIZE + 5 }, (_, i) => ({
				email: `${tag}-${String(i).padStart(3, '0')}@example.test`,
				firstName: 'Directory',
				displayName: 'Directory D.'
			}))
		});
		const first = await listPeople({ q: tag, deleted: 'include' });
		expect(first.total).toBe(PEOPLE_PAGE_SIZE + 5);
		expect(first.people).toHaveLength(PEOPLE_PAGE_SIZE);
		expect(first.people[0].email).toBe(`${tag}-000@example.test`);
		expect(first.previous).toBeUndefined();
		const second = await listPeople({ q: tag, deleted: 'include', after: first.next });
		expect(second.people.map((p) => p.email)).toEqual(
			[50, 51, 52, 53, 54].map((i) => `${tag}-0${i}@example.test`)
		);
		expect(second.next).toBeUndefined();
		const back = await listPeople({ q: tag, deleted: 'include', before: second.previous });
		expect(back.people.map((p) => p.email)).toEqual(first.people.map((p) => p.email));
		expect(back.previous).toBeUndefined();

		// A name prefix, case-insensitively; the email prefix upper-cased still matches.
		const named = await make.createUser({ firstName: `Zebedee${tag}`, email: `plain-${tag}@example.test` });
		expect((await listPeople({ q: `zebedee${tag}`, deleted: 'include' })).people.map((p) => p.id)).toEqual([
			named.id
		]);
		expect((await listPeople({ q: tag.toUpperCase(), deleted: 'include' })).total).toBe(PEOPLE_PAGE_SIZE + 5);
		// Typed wildcards match themselves only.
		for (const q of [`${tag.slice(0, 4)}%`, `${tag.slice(0, 3)}_`, `${tag}-00_`]) {
			expect((await listPeople({ q, deleted: 'include' })).total, q).toBe(0);
		}

		const gone = await db.user.findFirstOrThrow({ where: { email: `${tag}-001@example.test` } });
		await db.user.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
		expect((await listPeople({ q: tag, deleted: 'exclude' })).total).toBe(PEOPLE_PAGE_SIZE + 4);
		const only = await listPeople({ q: tag, deleted: 'only' });
		expect(only.people.map((p) => [p.id, Boolean(p.deletedAt)])).toEqual([[gone.id, true]]);
	});

	it('reads odd query strings as the first page of everyone, never an error', async () => {
		const { admin } = await adminActor();
		const page = await callRoute('people', 'load', {
			as: admin,
			query: '?deleted=bogus&after=&before=%00&q='
		});
		expect(page).toMatchObject({ request: { deleted: 'include' } });
	});
});

describe("a person's page", () => {
	it('shows identity, attendance, events, projects, teams, ballots and referrals, but no private field', async () => {
		const { person, event, own, mate, others, owned } = await busyPerson();
		for (const signedInAt of ['2026-11-01T10:00:00Z', '2026-11-20T10:00:00Z']) {
			const { session } = await createSession(person.id);
			await db.session.update({ where: { id: session.id }, data: { createdAt: new Date(signedInAt) } });
		}
		const page = await describePerson(person.id);
		expect(page.person).toMatchObject({ email: person.email, name: 'Busy Bee', activeSessions: 2 });
		expect(page.person.lastSignInAt).toEqual(new Date('2026-11-20T10:00:00Z'));
		expect(page.attending.rows.map((a) => a.event.id)).toEqual([event.id]);
		expect(page.ownedEvents.rows.map((e) => e.id)).toEqual([owned.id]);
		expect(page.ownedProjects.rows).toEqual([
			expect.objectContaining({ id: own.id, team: [expect.objectContaining({ id: mate.id })] })
		]);
		expect(page.teams.rows).toEqual([
			expect.objectContaining({ id: others[0].id, owner: expect.objectContaining({ id: others[0].ownerId }) })
		]);
		expect(page.ballots).toEqual([
			expect.objectContaining({ votes: 2, event: expect.objectContaining({ id: event.id }) })
		]);
		expect(page.referrals.rows.map((r) => r.content)).toEqual(['A poster at school']);
		// The page's data, as the route sends it, carries none of the private fields.
		const { admin } = await adminActor();
		const loaded = JSON.stringify(await callRoute('people/[id]', 'load', { id: person.id, as: admin }));
		for (const secret of ['+1 555 0100', 'Secret Lane', 'Hiddenville', '99999', '2001-02-03']) {
			expect(loaded).not.toContain(secret);
		}
	});

	it('answers an unknown or malformed id with a 404 page, not a server error', async () => {
		const { admin } = await adminActor();
		for (const id of [randomUUID(), 'not-a-uuid', "1' OR '1'='1"]) {
			const outcome = await callRoute('people/[id]', 'load', { id, as: admin });
			expect(outcome).toMatchObject({ httpError: 404 });
		}
	});
});

describe('revealing private fields', () => {
	it('returns them only in the response to the Reveal action, and records who saw whose', async () => {
		const { person } = await busyPerson();
		const { admin, actor } = await adminActor();
		const before = await auditOf(person.id);
		const result = await callRoute('people/[id]', 'reveal', { id: person.id, as: admin });
		expect(result).toMatchObject({
			revealed: { phone: '+1 555 0100', street1: '1 Secret Lane', country: 'US', dob: '2001-02-03' }
		});
		const rows = await auditOf(person.id);
		expect(rows.length).toBe(before.length + 1);
		expect(rows[0]).toMatchObject({
			action: 'private_fields_revealed',
			actorId: admin.id,
			targetUserId: person.id
		});
		expect(rows[0].actorName).toContain(admin.email);
		// Each reveal is its own row.
		await revealPrivateFields(actor, person.id);
		expect((await auditOf(person.id)).filter((r) => r.action === 'private_fields_revealed')).toHaveLength(2);
	});
});

describe('changing the email', () => {
	it('normalises the address, keeps sessions valid, and records old and new', async () => {
		const person = await make.createUser({ email: `old-${randomUUID().slice(0, 6)}@example.test` });
		const { token } = await createSession(person.id);
		const { actor } = await adminActor();
		const parsed = changeEmailSchema.parse({ email: '  New.Address-X@Example.TEST ' });
		expect(parsed.email).toBe('new.address-x@example.test');
		const done = await changeEmail(actor, person.id, `${person.id}-${parsed.email}`);
		expect(done).toEqual({ old: person.email, new: `${person.id}-new.address-x@example.test` });
		expect((await db.user.findUniqueOrThrow({ where: { id: person.id } })).email).toBe(done.new);
		expect((await validateSessionToken(token)).user?.email).toBe(done.new);
		const [row] = await auditOf(person.id);
		expect(row).toMatchObject({ action: 'email_changed', details: { old: person.email, new: done.new } });
	});

	it('refuses an address that is taken, the same address, a malformed one and a deleted person, changing nothing', async () => {
		const person = await make.createUser();
		const other = await make.createUser();
		const { actor, admin } = await adminActor();
		const before = await snapshotOf(person.id);
		await expect(changeEmail(actor, person.id, other.email)).rejects.toThrow(
			/already belongs to another account/
		);
		await expect(changeEmail(actor, person.id, person.email)).rejects.toThrow(/already their address/);
		const bad = await callRoute('people/[id]', 'changeEmail', {
			id: person.id,
			as: admin,
			body: { email: 'not an address' }
		});
		expect(bad).toMatchObject({ failure: 400, data: { errors: { email: 'That is not an email address.' } } });
		const taken = await callRoute('people/[id]', 'changeEmail', {
			id: person.id,
			as: admin,
			body: { email: ` ${other.email.toUpperCase()} ` }
		});
		expect(taken).toMatchObject({ failure: 409 });
		expect(await snapshotOf(person.id)).toEqual(before);
		await db.user.update({ where: { id: other.id }, data: { deletedAt: new Date() } });
		await expect(changeEmail(actor, other.id, 'fresh@example.test')).rejects.toThrow(/has been deleted/);
	});
});

describe('signing out everywhere', () => {
	it('ends every session and records how many', async () => {
		const person = await make.createUser();
		const tokens = await Promise.all([1, 2, 3].map(() => createSession(person.id)));
		const bystander = await createSession((await make.createUser()).id);
		const { actor } = await adminActor();
		expect(await signOutEverywhere(actor, person.id)).toEqual({ email: person.email, sessions: 3 });
		for (const { token } of tokens) expect((await validateSessionToken(token)).user).toBeNull();
		expect((await validateSessionToken(bystander.token)).user).not.toBeNull();
		const [row] = await auditOf(person.id);
		expect(row).toMatchObject({ action: 'signed_out_everywhere', details: { sessions: 3 } });
	});
});

describe('exporting a person', () => {
	it('holds everything about them, sessions without their token hashes, and audits each download', async () => {
		const { person, event, own, others, owned } = await busyPerson();
		const { session } = await createSession(person.id);
		const { actor, admin } = await adminActor();
		const data = await exportPerson(actor, person.id);
		expect(data.profile).toMatchObject({
			email: person.email,
			phone: '+1 555 0100',
			dob: '2001-02-03',
			city: 'Hiddenville'
		});
		expect(data.attendances.map((a) => a.event.id)).toEqual([event.id]);
		expect(data.ownedEvents.map((e) => e.id)).toEqual([owned.id]);
		expect(data.projects.map((p) => p.id)).toEqual([own.id]);
		expect(data.teams.map((t) => t.project.id)).toEqual([others[0].id]);
		expect(data.votes.map((v) => v.project.id).sort()).toEqual([others[1].id, others[2].id].sort());
		expect(data.referrals.map((r) => r.content)).toEqual(['A poster at school']);
		expect(data.sessions).toEqual([{ createdAt: expect.any(Date), expiresAt: session.expiresAt }]);
		expect(JSON.stringify(data)).not.toContain(session.id);

		const response = (await callRoute('people/[id]/export.json', 'GET', {
			id: person.id,
			as: admin
		})) as Response;
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="person-${person.id}.json"`
		);
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(await response.json()).toMatchObject({ profile: { id: person.id, phone: '+1 555 0100' } });
		const rows = (await auditOf(person.id)).filter((r) => r.action === 'person_exported');
		expect(rows).toHaveLength(2);
	});
});

describe("a person's votes across events", () => {
	it('lists the votes they cast in every event, those of an event they were removed from included', async () => {
		const { person, event, others } = await busyPerson();
		const left = await make.createEvent({ name: 'Left Jam', phase: 'voting' });
		const there = await make.createProject(left.id);
		await make.createVote(person.id, there.id);
		// Removed by its owner, their vote kept (the owner's choice on the removal page).
		const owner = { id: left.ownerId, displayName: 'Owner', email: 'owner@example.test' };
		await removeAttendee(owner, left.id, person.id, {
			removeProjects: false,
			removeVotes: false
		});
		// Someone else's votes in both events are not theirs.
		const stranger = await make.createUser();
		await make.createVote(stranger.id, others[1].id);
		await make.createVote(stranger.id, there.id);

		const page = await describePerson(person.id);
		expect(page.attending.rows.map((a) => a.event.id)).toEqual([event.id]);
		expect(page.ballots.map((b) => [b.event.id, b.votes]).sort()).toEqual(
			[
				[event.id, 2],
				[left.id, 1]
			].sort()
		);
		const { actor } = await adminActor();
		const data = await exportPerson(actor, person.id);
		expect(data.votes.map((v) => v.project.id).sort()).toEqual([others[1].id, others[2].id, there.id].sort());
	});

	it('finds nothing for a person who never voted', async () => {
		const quiet = await make.createUser();
		await make.addAttendee((await make.createEvent({ phase: 'voting' })).id, quiet.id);
		expect((await describePerson(quiet.id)).ballots).toEqual([]);
		const { actor } = await adminActor();
		expect((await exportPerson(actor, quiet.id)).votes).toEqual([]);
	});
});

describe('the platform admin role from the people pages', () => {
	it('grants and revokes (audited), but an admin cannot revoke their own role', async () => {
		const { admin, actor } = await adminActor();
		const person = await make.createUser();
		expect(await callRoute('people/[id]', 'grant', { id: person.id, as: admin })).toMatchObject({
			granted: { changed: true }
		});
		expect(await callRoute('people', 'revoke', { as: admin, body: { email: person.email } })).toMatchObject({
			revoked: { changed: true }
		});
		expect((await auditOf(person.id)).map((r) => r.action)).toEqual([
			'platform_admin_revoked',
			'platform_admin_granted'
		]);

		const before = await auditOf(admin.id);
		await expect(revokePlatformAdmin(actor, admin.email)).rejects.toThrow(
			/cannot take your own platform admin role/
		);
		const self = await callRoute('people/[id]', 'revoke', { id: admin.id, as: admin });
		expect(self).toMatchObject({ failure: 403 });
		expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).platformAdminSince).not.toBeNull();
		expect(await auditOf(admin.id)).toEqual(before);
		// Another admin can.
		const { actor: other } = await adminActor();
		expect(await revokePlatformAdmin(other, admin.email)).toMatchObject({ changed: true });
		await expect(grantPlatformAdmin(other, 'nobody-at-all@example.test')).rejects.toThrow(RuleViolation);
	});
});

describe('deleting a person', () => {
	it('is refused while they own events that are not deleted, and changes nothing', async () => {
		const { person } = await busyPerson();
		const { actor } = await adminActor();
		const plan = await describeDeletion(person.id);
		expect(plan.blockedBy.map((e) => e.name)).toEqual(['Bee Summit']);
		const before = await snapshotOf(person.id);
		await expect(deletePerson(actor, person.id, plan.fingerprint)).rejects.toThrow(
			/still owns Bee Summit: transfer \(or delete\) those events first/
		);
		expect(await snapshotOf(person.id)).toEqual(before);
	});

	it('erases them, ends sessions, keeps votes, projects and teams, and frees the address for a new account', async () => {
		const { person, event, own, owned } = await busyPerson();
		// Their event is soft-deleted already: that no longer stops the deletion.
		await db.event.update({ where: { id: owned.id }, data: { deletedAt: new Date() } });
		await db.event.update({ where: { id: event.id }, data: { phase: 'closed' } });
		const { token } = await createSession(person.id);
		const { actor } = await adminActor();
		const ranking = await rankProjects(event.id);
		const plan = await describeDeletion(person.id);
		expect(plan).toMatchObject({
			blockedBy: [],
			projects: 1,
			teams: 1,
			votesInClosedEvents: 2,
			sessions: 1,
			referrals: 1
		});

		expect(await deletePerson(actor, person.id, plan.fingerprint)).toMatchObject({
			sessions: 1,
			referrals: 1
		});
		const row = await db.user.findUniqueOrThrow({ where: { id: person.id } });
		expect(row).toMatchObject({
			email: `deleted-${person.id}@deleted.invalid`,
			firstName: 'Deleted person',
			lastName: null,
			displayName: 'Deleted person',
			phone: null,
			street1: null,
			city: null,
			zipCode: null,
			country: null,
			dob: null,
			airtableId: null,
			platformAdminSince: null
		});
		expect(row.deletedAt).not.toBeNull();
		expect((await validateSessionToken(token)).user).toBeNull();
		// Published results stay as published; the project stays, owned by "Deleted person".
		const scores = (rows: typeof ranking) =>
			rows.map(({ id, votes, score, rank }) => ({ id, votes, score, rank }));
		const after = await rankProjects(event.id);
		expect(scores(after)).toEqual(scores(ranking));
		expect(after.find((r) => r.id === own.id)?.team[0]).toBe('Deleted person');
		expect(
			await db.referral.count({ where: { eventId: event.id, userId: null, content: 'A poster at school' } })
		).toBe(1);
		const [audit] = await auditOf(person.id);
		expect(audit).toMatchObject({
			action: 'person_deleted',
			details: { email: person.email, votesInClosedEvents: 2 }
		});

		// Signing in with the old address makes a new, empty account.
		const link = generateToken();
		await db.signInLink.create({
			data: { tokenHash: hashToken(link), email: person.email, expiresAt: new Date(Date.now() + 60_000) }
		});
		const signedIn = await signInWithLink(link);
		expect(signedIn.ok).toBe(true);
		const fresh = await db.user.findUniqueOrThrow({ where: { email: person.email } });
		expect(fresh.id).not.toBe(person.id);
		expect(await db.eventAttendee.count({ where: { userId: fresh.id } })).toBe(0);

		await expect(deletePerson(actor, person.id, plan.fingerprint)).rejects.toThrow(/already been deleted/);
	});

	it('refuses a stale confirmation and deleting oneself', async () => {
		const person = await make.createUser();
		const { actor, admin } = await adminActor();
		const plan = await describeDeletion(person.id);
		await createSession(person.id); // their account changed after the admin looked
		const before = await snapshotOf(person.id);
		const stale = await callRoute('people/[id]', 'delete', {
			id: person.id,
			as: admin,
			body: { fingerprint: plan.fingerprint }
		});
		expect(stale).toMatchObject({
			failure: 409,
			data: { message: expect.stringMatching(/changed since you opened/) }
		});
		expect(await snapshotOf(person.id)).toEqual(before);
		const mine = await describeDeletion(admin.id);
		await expect(deletePerson(actor, admin.id, mine.fingerprint)).rejects.toThrow(
			/cannot delete your own account/
		);
	});
});
