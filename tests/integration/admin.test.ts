import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/admin/access';
import { findOwnedEvent } from '../../src/lib/server/admin/access';
import { listAuditLog, recordPhaseChange } from '../../src/lib/server/admin/audit';
import { describeAttendeeRemoval, listAttendees, removeAttendee } from '../../src/lib/server/admin/attendees';
import { csvCell } from '../../src/lib/server/admin/csv';
import { downloadTimeZone, exportResultsCsv } from '../../src/lib/server/admin/exports';
import { joinLinkFor, regenerateEventJoinCode, renderQrSvg } from '../../src/lib/server/admin/joining';
import { PAGE_SIZE } from '../../src/lib/server/admin/paging';
import {
	describeProjectRemoval,
	listEventProjects,
	removeProject
} from '../../src/lib/server/admin/projects';
import { listReferralGroups } from '../../src/lib/server/admin/referrals';
import {
	deleteEvent,
	describeEventDeletion,
	getEventSettings,
	updateEventSettings
} from '../../src/lib/server/admin/settings';
import { listVotes } from '../../src/lib/server/admin/votes';
import { joinEventByCode } from '../../src/lib/server/events';
import { RuleViolation } from '../../src/lib/server/rules';
import { db } from '../helpers/db';
import { attendeesCsv, votesCsv } from '../helpers/exports';
import * as make from '../helpers/factories';

const first = { page: 1 };

async function refusal(work: Promise<unknown>) {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(RuleViolation);
	return error as RuleViolation;
}

function visitor(user: { id: string }, isPlatformAdmin = false) {
	return { id: user.id, isPlatformAdmin };
}

function actorOf(user: { id: string; displayName: string; email: string }): Actor {
	return { id: user.id, displayName: user.displayName, email: user.email };
}

/** Everything an admin action could change, to prove that a refused one changed nothing. */
async function snapshot() {
	const [events, attendees, projects, collaborators, votes, referrals, audit] = await Promise.all([
		db.event.findMany({ orderBy: { id: 'asc' } }),
		db.eventAttendee.count(),
		db.project.count(),
		db.projectCollaborator.count(),
		db.vote.count(),
		db.referral.count(),
		db.eventAuditLog.count()
	]);
	return { events, attendees, projects, collaborators, votes, referrals, audit };
}

/**
 * An event in voting: 4 projects (so 2 votes each), attendees who voted, a teammate, referrals.
 * Alice owns "Alpha" and voted for Beta and Gamma; Bob owns Beta and voted for Alpha.
 */
let scenes = 0;
async function scene() {
	const n = ++scenes;
	const owner = await make.createUser({ firstName: 'Olivia' });
	const event = await make.createEvent({ ownerId: owner.id, name: 'Scrapyard Test', phase: 'voting' });
	const alice = await make.createUser({ firstName: 'Alice', email: `alice-${n}@example.test` });
	const bob = await make.createUser({ firstName: 'Bob', email: `bob-${n}@example.test` });
	const carol = await make.createUser({ firstName: 'Carol', email: `carol-${n}@example.test` });
	const alpha = await make.createProject(event.id, { ownerId: alice.id, name: 'Alpha' });
	const beta = await make.createProject(event.id, { ownerId: bob.id, name: 'Beta' });
	const gamma = await make.createProject(event.id, { name: 'Gamma' });
	const delta = await make.createProject(event.id, { name: 'Delta' });
	await make.addAttendee(event.id, carol.id);
	await make.addCollaborator(gamma.id, carol.id);
	await make.createVote(alice.id, beta.id);
	await make.createVote(alice.id, gamma.id);
	await make.createVote(bob.id, alpha.id);
	await db.referral.createMany({
		data: [
			{ eventId: event.id, userId: alice.id, content: 'Instagram' },
			{ eventId: event.id, userId: bob.id, content: '  instagram ' },
			{ eventId: event.id, userId: carol.id, content: 'A  friend' }
		]
	});
	return { owner, event, alice, bob, carol, alpha, beta, gamma, delta };
}

describe('who may use the admin pages', () => {
	it('is the owner only: others get 403, and a draft stays invisible (404)', async () => {
		const { owner, event, alice } = await scene();
		expect((await findOwnedEvent(visitor(owner), event.slug)).id).toBe(event.id);
		expect((await refusal(findOwnedEvent(visitor(alice), event.slug))).status).toBe(403);
		expect((await refusal(findOwnedEvent(visitor(owner), 'no-such-event'))).status).toBe(404);
		const draft = await make.createEvent({ ownerId: owner.id, phase: 'draft' });
		expect((await refusal(findOwnedEvent(visitor(alice), draft.slug))).status).toBe(404);
		expect((await findOwnedEvent(visitor(owner), draft.slug)).phase).toBe('draft');
	});

	it('includes platform admins, for every event, and records what they do as done by them', async () => {
		const { event, owner } = await scene();
		const operator = await make.createUser({ firstName: 'Opal' });
		const draft = await make.createEvent({ ownerId: owner.id, phase: 'draft' });
		// The role is read from the session, and again inside each write: without it, no way in.
		expect((await refusal(findOwnedEvent(visitor(operator), event.slug))).status).toBe(403);
		await expect(regenerateEventJoinCode(actorOf(operator), event.id)).rejects.toThrow(RuleViolation);
		await db.user.update({ where: { id: operator.id }, data: { platformAdminSince: new Date() } });
		expect((await findOwnedEvent(visitor(operator, true), event.slug)).id).toBe(event.id);
		expect((await findOwnedEvent(visitor(operator, true), draft.slug)).id).toBe(draft.id);
		await regenerateEventJoinCode(actorOf(operator), event.id);
		const [entry] = (await listAuditLog(event.id, first)).entries;
		expect(entry).toMatchObject({ action: 'join_code_regenerated' });
		expect(entry.actorName).toContain(operator.email);
	});

	it('refuses every change by an attendee or another event’s owner, and changes nothing', async () => {
		const { event, alice, bob, beta } = await scene();
		const otherOwner = await make.createUser();
		await make.createEvent({ ownerId: otherOwner.id });
		const before = await snapshot();
		for (const intruder of [alice, otherOwner]) {
			const actor = actorOf(intruder);
			const attempts = [
				() =>
					updateEventSettings(actor, event.id, {
						name: 'Hijacked',
						description: undefined,
						demoLinksOptional: true,
						featureFlags: ['x']
					}),
				() => deleteEvent(actor, event.id, event.name),
				() => regenerateEventJoinCode(actor, event.id),
				() => removeAttendee(actor, event.id, bob.id, { removeProjects: true, removeVotes: true }),
				() => removeProject(actor, event.id, beta.id)
			];
			// One at a time: each refusal is awaited before the next attempt starts.
			for (const attempt of attempts) expect((await refusal(attempt())).status).toBe(403);
		}
		expect(await snapshot()).toEqual(before);
	});
});

describe('settings', () => {
	it('saves name, description, demo links and feature flags, keeps the slug and logs what changed', async () => {
		const { owner, event } = await scene();
		const result = await updateEventSettings(actorOf(owner), event.id, {
			name: 'Scrapyard Renamed',
			description: 'Build junk.',
			demoLinksOptional: true,
			featureFlags: ['daydream', 'ysws']
		});
		expect(result.changed).toEqual(['name', 'description', 'demoLinksOptional', 'featureFlags']);
		expect(await getEventSettings(event.id)).toEqual({
			name: 'Scrapyard Renamed',
			description: 'Build junk.',
			demoLinksOptional: true,
			featureFlags: ['daydream', 'ysws']
		});
		expect((await db.event.findUniqueOrThrow({ where: { id: event.id } })).slug).toBe(event.slug);
		const log = await listAuditLog(event.id, first);
		expect(log.entries).toHaveLength(1);
		expect(log.entries[0]).toMatchObject({
			action: 'settings_changed',
			actorName: `${owner.displayName} <${owner.email}>`
		});
		expect(log.entries[0].summary).toContain('name, description, demo links optional, feature flags');
	});

	it('writes nothing when nothing changed', async () => {
		const { owner, event } = await scene();
		const same = await getEventSettings(event.id);
		const result = await updateEventSettings(actorOf(owner), event.id, {
			...same,
			description: same.description || undefined
		});
		expect(result.changed).toEqual([]);
		expect((await listAuditLog(event.id, first)).total).toBe(0);
	});

	it('logs a phase change made by the phase control', async () => {
		const { owner, event } = await scene();
		await recordPhaseChange(actorOf(owner), event, { from: 'voting', to: 'closed' });
		await recordPhaseChange(actorOf(owner), event, { from: 'closed', to: 'closed' });
		const log = await listAuditLog(event.id, first);
		expect(log.entries.map((e) => [e.action, e.summary])).toEqual([
			['phase_changed', 'Moved the event from voting to closed.']
		]);
	});
});

describe('deleting an event', () => {
	it('names what goes with it', async () => {
		const { event } = await scene();
		expect(await describeEventDeletion(event.id)).toEqual({
			projects: 4,
			votes: 3,
			attendees: 5,
			referrals: 3
		});
	});

	it('needs the typed name, then deletes the event with everything in it and keeps a log row', async () => {
		const { owner, event, alice } = await scene();
		const other = await make.createEvent();
		await make.createProject(other.id);
		const wrong = await refusal(deleteEvent(actorOf(owner), event.id, 'scrapyard test'));
		expect(wrong.message).toContain('"Scrapyard Test"');
		expect(await db.event.count({ where: { id: event.id } })).toBe(1);

		const deleted = await deleteEvent(actorOf(owner), event.id, '  Scrapyard Test ');
		expect(deleted).toMatchObject({ name: 'Scrapyard Test', projects: 4, votes: 3, attendees: 5 });
		expect(await db.event.count({ where: { id: event.id } })).toBe(0);
		expect(await db.project.count({ where: { eventId: event.id } })).toBe(0);
		expect(await db.vote.count({ where: { eventId: event.id } })).toBe(0);
		expect(await db.referral.count({ where: { eventId: event.id } })).toBe(0);
		// People keep their accounts; the other event is untouched.
		expect(await db.user.count({ where: { id: alice.id } })).toBe(1);
		expect(await db.project.count({ where: { eventId: other.id } })).toBe(1);
		const row = await db.eventAuditLog.findFirstOrThrow({ where: { action: 'event_deleted' } });
		expect(row).toMatchObject({ eventId: null, eventName: 'Scrapyard Test', actorId: owner.id });
		expect(row.details).toMatchObject({ eventId: event.id, projects: 4, votes: 3 });
	});
});

describe('joining', () => {
	it('gives the join link and a scalable SVG QR code of it', async () => {
		const link = joinLinkFor('https://podium.example', 'ABC234');
		expect(link).toBe('https://podium.example/join/ABC234');
		const svg = await renderQrSvg(link);
		expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
		expect(svg).toContain('<path');
	});

	it('regenerates the code: the old one stops working, the new one works, attendees stay', async () => {
		const { owner, event } = await scene();
		const before = await db.eventAttendee.count({ where: { eventId: event.id } });
		const { joinCode, oldJoinCode } = await regenerateEventJoinCode(actorOf(owner), event.id);
		expect(oldJoinCode).toBe(event.joinCode);
		expect(joinCode).not.toBe(event.joinCode);
		expect(joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);

		const newcomer = await make.createUser();
		expect((await refusal(joinEventByCode(make.guesser(newcomer.id), oldJoinCode))).status).toBe(404);
		expect((await joinEventByCode(make.guesser(newcomer.id), joinCode.toLowerCase())).slug).toBe(event.slug);
		expect(await db.eventAttendee.count({ where: { eventId: event.id } })).toBe(before + 1);
		const log = await listAuditLog(event.id, first);
		expect(log.entries[0]).toMatchObject({ action: 'join_code_regenerated' });
		expect(log.entries[0].summary).toContain(oldJoinCode);
	});
});

describe('attendees', () => {
	it('lists names, email, join time and whether each has voted, without private fields', async () => {
		const { event, alice, carol } = await scene();
		await db.user.update({ where: { id: alice.id }, data: { phone: '555-0100', city: 'Zürich' } });
		const list = await listAttendees(event.id, first);
		expect(list.total).toBe(5);
		const byEmail = new Map(list.attendees.map((a) => [a.email, a]));
		expect(byEmail.get(alice.email)).toMatchObject({ firstName: 'Alice', votes: 2 });
		expect(byEmail.get(carol.email)).toMatchObject({ firstName: 'Carol', votes: 0 });
		expect(Object.keys(list.attendees[0]).sort()).toEqual(
			['displayName', 'email', 'firstName', 'id', 'joinedAt', 'lastName', 'votes'].sort()
		);
	});

	it('searches by name or email, case-insensitively', async () => {
		const { event } = await scene();
		expect((await listAttendees(event.id, { page: 1, q: 'ALI' })).attendees.map((a) => a.firstName)).toEqual([
			'Alice'
		]);
		expect((await listAttendees(event.id, { page: 1, q: 'BOB-' })).total).toBe(1);
		expect((await listAttendees(event.id, { page: 1, q: 'nobody' })).total).toBe(0);
	});

	it('pages through 2,000 attendees in a few queries', async () => {
		const event = await make.createEvent();
		const users = Array.from({ length: 2_000 }, (_, i) => ({
			email: `bulk-${i}@example.test`,
			firstName: `Bulk${i}`,
			displayName: `Bulk ${i}`
		}));
		await db.user.createMany({ data: users });
		const ids = await db.user.findMany({ where: { email: { startsWith: 'bulk-' } }, select: { id: true } });
		await db.eventAttendee.createMany({ data: ids.map(({ id }) => ({ eventId: event.id, userId: id })) });
		const started = performance.now();
		const page = await listAttendees(event.id, { page: 40 });
		const elapsed = performance.now() - started;
		expect(page).toMatchObject({ total: 2_000, page: 40, pageCount: 2_000 / PAGE_SIZE });
		expect(page.attendees).toHaveLength(PAGE_SIZE);
		// A page past the end shows the last one.
		expect((await listAttendees(event.id, { page: 999 })).page).toBe(40);
		expect(elapsed).toBeLessThan(2_000);
	});

	it('removes an attendee but keeps their projects and votes unless asked', async () => {
		const { owner, event, alice, alpha } = await scene();
		expect(await describeAttendeeRemoval(event.id, alice.id)).toMatchObject({
			projects: 1,
			votes: 2,
			teams: 0
		});
		const removed = await removeAttendee(actorOf(owner), event.id, alice.id, {
			removeProjects: false,
			removeVotes: false
		});
		expect(removed).toMatchObject({ projects: 0, votes: 0 });
		expect(await db.eventAttendee.count({ where: { eventId: event.id, userId: alice.id } })).toBe(0);
		expect(await db.project.count({ where: { id: alpha.id } })).toBe(1);
		expect(await db.vote.count({ where: { voterId: alice.id } })).toBe(2);
		const log = await listAuditLog(event.id, first);
		expect(log.entries[0].summary).toBe(
			`Removed the attendee ${alice.displayName} <${alice.email}>; their projects and votes stay.`
		);
		// Removing again says so instead of failing obscurely.
		const again = await refusal(
			removeAttendee(actorOf(owner), event.id, alice.id, { removeProjects: false, removeVotes: false })
		);
		expect(again.status).toBe(404);
	});

	it('removes their projects (with the votes for them), team places and cast votes when ticked', async () => {
		const { owner, event, alice, bob, carol, alpha, gamma } = await scene();
		const removed = await removeAttendee(actorOf(owner), event.id, alice.id, {
			removeProjects: true,
			removeVotes: true
		});
		expect(removed).toMatchObject({ projects: 1, votesOnProjects: 1, votes: 2, teams: 0 });
		expect(await db.project.count({ where: { id: alpha.id } })).toBe(0);
		expect(await db.vote.count({ where: { voterId: bob.id } })).toBe(0);
		expect(await db.vote.count({ where: { voterId: alice.id } })).toBe(0);

		const team = await removeAttendee(actorOf(owner), event.id, carol.id, {
			removeProjects: true,
			removeVotes: false
		});
		expect(team).toMatchObject({ projects: 0, teams: 1 });
		expect(await db.projectCollaborator.count({ where: { projectId: gamma.id } })).toBe(0);
		expect(await db.project.count({ where: { id: gamma.id } })).toBe(1);
	});

	it('can remove only the votes someone cast', async () => {
		const { owner, event, alice, alpha } = await scene();
		await removeAttendee(actorOf(owner), event.id, alice.id, { removeProjects: false, removeVotes: true });
		expect(await db.vote.count({ where: { voterId: alice.id } })).toBe(0);
		expect(await db.project.count({ where: { id: alpha.id } })).toBe(1);
	});
});

describe('projects', () => {
	it('lists every project with its team and vote count, by name, searchable', async () => {
		const { event, gamma } = await scene();
		const list = await listEventProjects(event.id, first);
		expect(list.projects.map((p) => [p.name, p.votes])).toEqual([
			['Alpha', 1],
			['Beta', 1],
			['Delta', 0],
			['Gamma', 1]
		]);
		expect(list.projects.find((p) => p.id === gamma.id)?.team).toEqual([expect.any(String), 'Carol E.']);
		expect((await listEventProjects(event.id, { page: 1, q: 'alp' })).projects.map((p) => p.name)).toEqual([
			'Alpha'
		]);
	});

	it('removes a project with its votes after saying how many', async () => {
		const { owner, event, beta, alice } = await scene();
		expect(await describeProjectRemoval(event.id, beta.id)).toMatchObject({ name: 'Beta', votes: 1 });
		expect(await removeProject(actorOf(owner), event.id, beta.id)).toEqual({ name: 'Beta', votes: 1 });
		expect(await db.project.count({ where: { id: beta.id } })).toBe(0);
		expect(await db.vote.count({ where: { voterId: alice.id } })).toBe(1);
		expect((await listAuditLog(event.id, first)).entries[0].summary).toBe(
			'Removed the project "Beta" with its 1 vote(s).'
		);
	});

	it('only removes projects of this event', async () => {
		const { owner, event } = await scene();
		const elsewhere = await make.createProject((await make.createEvent()).id);
		expect(await describeProjectRemoval(event.id, elsewhere.id)).toBeUndefined();
		expect((await refusal(removeProject(actorOf(owner), event.id, elsewhere.id))).status).toBe(404);
		expect(await db.project.count({ where: { id: elsewhere.id } })).toBe(1);
	});
});

describe('votes, referrals and the log', () => {
	it('lists who voted for what, newest first', async () => {
		const { event, alice, bob } = await scene();
		const { votes, total } = await listVotes(event.id, first);
		expect(total).toBe(3);
		expect(votes.map((v) => `${v.voter.email} → ${v.project.name}`)).toEqual([
			`${bob.email} → Alpha`,
			`${alice.email} → Gamma`,
			`${alice.email} → Beta`
		]);
	});

	it('groups referral answers regardless of case and spacing, most frequent first', async () => {
		const { event } = await scene();
		await db.referral.create({ data: { eventId: event.id, content: 'a friend' } });
		await db.referral.create({ data: { eventId: event.id, content: 'INSTAGRAM' } });
		const { groups, total } = await listReferralGroups(event.id);
		expect(total).toBe(5);
		expect(groups.map((g) => [g.answer.toLowerCase(), g.count])).toEqual([
			['instagram', 3],
			['a friend', 2]
		]);
	});
});

describe('CSV downloads', () => {
	it('list the attendees with names that need escaping, and no private fields', async () => {
		const event = await make.createEvent();
		const tricky = await db.user.create({
			data: {
				email: 'tricky@example.test',
				firstName: 'Jo, "JJ"',
				lastName: 'Line\nBreak',
				displayName: '=HYPERLINK("http://evil.test")',
				phone: '555-0199',
				street1: '1 Secret Road',
				dob: new Date('2000-01-02')
			}
		});
		await make.addAttendee(event.id, tricky.id);
		const csv = await attendeesCsv(event.id);
		expect(
			csv.startsWith('\uFEFFFirst name,Last name,Display name,Email,Joined at (UTC),Votes cast\r\n')
		).toBe(true);
		expect(csv).toContain(
			'"Jo, ""JJ""","Line\nBreak","\'=HYPERLINK(""http://evil.test"")",tricky@example.test,'
		);
		expect(csv).not.toMatch(/555-0199|Secret Road|2000-01-02/);
		expect(csv.split('\r\n')).toHaveLength(3);
	});

	it("write every cell as the app's own CSV writer does: formulas defused, quotes doubled", async () => {
		// The database writes the streamed downloads' lines (csv_cell); csvCell writes the rest.
		const values = [
			'plain',
			'Zürich',
			'',
			'=1+1',
			'+49 30',
			'-5',
			'@me',
			'\tTab',
			'\rCR',
			'a,b',
			'say "hi"',
			'two\nlines',
			'cr\rin',
			'="x",y',
			' =not a formula',
			"O'Brien",
			'漢字, "quoted"',
			null
		];
		const rows = await db.$queryRaw<{ cell: string }[]>`
			SELECT csv_cell(v) AS "cell" FROM unnest(${values}::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n`;
		expect(rows.map((r) => r.cell)).toEqual(values.map(csvCell));
	});

	it('give times in UTC, and say so, when the database does not know the event zone', async () => {
		expect(await downloadTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
		expect(await downloadTimeZone('Mars/Olympus_Mons')).toBe('UTC');
	});

	it('list the votes and the ranking', async () => {
		const { event, beta, alice } = await scene();
		await db.project.update({ where: { id: beta.id }, data: { name: 'Beta, the "best"', legacyPoints: 5 } });
		const votes = await votesCsv(event.id);
		expect(votes.split('\r\n')[0]).toBe('\uFEFFVoted at (UTC),Voter,Voter email,Project,Project id');
		expect(votes).toContain(`,${alice.email},"Beta, the ""best""",`);
		const results = (await exportResultsCsv(event.id)).split('\r\n');
		expect(results[0]).toBe('\uFEFFRank,Project,Team,Votes,Imported points,Score,Project id');
		expect(results[1]).toMatch(/^1,"Beta, the ""best""",Bob E\.,1,5,6,/);
		// Alpha and Gamma share rank 2 with one vote each; Delta follows at 4.
		expect(results.slice(2, 5).map((line) => line.split(',')[0])).toEqual(['2', '2', '4']);
	});
});
