// A synthetic Airtable base (v1) at the size of the real one times `scale`, with the real one's
// anomalies sprinkled in (duplicate emails, missing owners, links to deleted records, duplicate and
// mismatched votes, bad JSON, bad dates). Deterministic for a given seed.

import type { FakeRecord } from './airtable.ts';

export const REAL_BASE_SIZE = {
	users: 3365,
	events: 217,
	projects: 767,
	referrals: 1266,
	attendeeLinks: 4078,
	votes: 3000
};

function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const id = (prefix: string, n: number) => `rec${prefix}${n.toString(36).padStart(13, '0')}`;

export interface SyntheticBase {
	users: FakeRecord[];
	events: FakeRecord[];
	projects: FakeRecord[];
	referrals: FakeRecord[];
	votes: FakeRecord[];
}

/** The base as Airtable's API would return it, table by table. */
export function generateBase(scale = 1, seed = 7): SyntheticBase {
	const rand = random(seed);
	const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
	const start = Date.parse('2024-01-01T00:00:00Z');
	let clock = 0;
	const time = () => new Date(start + ++clock * 60_000).toISOString();
	const push = (record: FakeRecord, field: string, value: string) => {
		record.fields[field] = [...((record.fields[field] as string[]) ?? []), value];
	};

	const users: FakeRecord[] = [];
	for (let i = 0; i < REAL_BASE_SIZE.users * scale; i++) {
		// About 1% sign up twice with the same address in another case or with spaces.
		const email =
			i > 0 && rand() < 0.01
				? ` ${(users[i - 1].fields.email as string).trim().toUpperCase()} `
				: `user${i}@example.com`;
		const fields: Record<string, unknown> = { email, first_name: `First${i}`, last_name: `Last${i}` };
		if (rand() < 0.3) fields.country = pick(['US', 'us', 'Canada', 'India', 'GB', 'Narnia']);
		if (rand() < 0.2)
			fields.dob =
				rand() < 0.05
					? '2005-02-30'
					: `200${Math.floor(rand() * 9)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`;
		if (rand() < 0.3)
			Object.assign(fields, {
				phone: '+1 555 0100',
				street_1: `${i} Main St`,
				city: 'Boston',
				zip_code: '02110'
			});
		users.push({ id: id('U', i), createdTime: time(), fields });
	}
	const events: FakeRecord[] = [];
	for (let i = 0; i < REAL_BASE_SIZE.events * scale; i++) {
		const fields: Record<string, unknown> = {
			name: `Hackathon ${i}`,
			slug: `hackathon-${i}`,
			join_code: i.toString(36).toUpperCase().padStart(4, '0'),
			votable: rand() < 0.8,
			leaderboard_enabled: rand() < 0.7,
			feature_flags_csv: rand() < 0.2 ? 'daydream, ysws' : undefined
		};
		if (rand() > 0.02) fields.owner = [pick(users).id];
		events.push({ id: id('E', i), createdTime: time(), fields });
	}
	const attendance = new Map<string, string[]>();
	const pairs = new Set<string>();
	while (pairs.size < REAL_BASE_SIZE.attendeeLinks * scale) {
		const event = pick(events);
		// Now and then a link to a user record deleted since.
		const user =
			rand() < 0.005 ? { id: id('X', pairs.size), fields: {} as Record<string, unknown> } : pick(users);
		const key = `${event.id}:${user.id}`;
		if (pairs.has(key)) continue;
		pairs.add(key);
		push(event, 'attendees', user.id);
		if (user.id.startsWith('recU')) push(user as FakeRecord, 'attending_events', event.id);
		attendance.set(event.id, [...(attendance.get(event.id) ?? []), user.id]);
	}
	const projects: FakeRecord[] = [];
	for (let i = 0; i < REAL_BASE_SIZE.projects * scale; i++) {
		const event = pick(events);
		const people = attendance.get(event.id) ?? [pick(users).id];
		const fields: Record<string, unknown> = {
			name: `Project ${i}`,
			description: 'Built over a weekend. '.repeat(1 + Math.floor(rand() * 10)),
			repo: `https://github.com/example/project-${i}`,
			demo: `https://project-${i}.example`,
			join_code: `P${i.toString(36).toUpperCase().padStart(3, '0')}`,
			hours_spent: Math.floor(rand() * 40),
			points: Math.floor(rand() * 8),
			cached_auto_quality: rand() < 0.02 ? '{oops' : JSON.stringify({ score: Math.round(rand() * 100) / 100 })
		};
		if (rand() > 0.01) fields.event = [event.id];
		if (rand() > 0.01) fields.owner = [pick(people)];
		if (rand() < 0.4) fields.collaborators = [pick(people)];
		projects.push({ id: id('P', i), createdTime: time(), fields });
	}
	const referrals: FakeRecord[] = [];
	for (let i = 0; i < REAL_BASE_SIZE.referrals * scale; i++) {
		const event = pick(events);
		const fields: Record<string, unknown> = {
			content: pick(['Twitter', 'A friend', 'Slack', 'School club', 'Poster']),
			event: [rand() < 0.01 ? id('X', i) : event.id]
		};
		fields.user = [pick(attendance.get(event.id) ?? [pick(users).id])];
		referrals.push({ id: id('R', i), createdTime: time(), fields });
	}
	const votes: FakeRecord[] = [];
	for (let i = 0; i < REAL_BASE_SIZE.votes * scale; i++) {
		// About 2% vote twice for the same project (the old check-then-insert).
		if (i > 0 && rand() < 0.02) {
			votes.push({ id: id('V', i), createdTime: time(), fields: { ...votes[i - 1].fields } });
			continue;
		}
		const project = pick(projects);
		const eventId = (project.fields.event as string[] | undefined)?.[0];
		const voters = (eventId && attendance.get(eventId)) || [pick(users).id];
		votes.push({
			id: id('V', i),
			createdTime: time(),
			fields: {
				voter: [pick(voters)],
				project: [project.id],
				event: [rand() < 0.01 ? pick(events).id : (eventId ?? pick(events).id)]
			}
		});
	}
	return { users, events, projects, referrals, votes };
}
