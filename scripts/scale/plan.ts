// The shape of the scale database, event by event, decided here (a few thousand rows) so that the SQL
// that makes the millions of rows can be plain INSERT ... SELECT over it. Deterministic: the same
// sizes give the same plan, so a benchmark on a re-seeded database measures the same rows.

import { FEATURED_FULL, FULL_SIZES, type ScaleSizes } from './sizes.ts';

export type Phase = 'draft' | 'submission' | 'voting' | 'closed';

/** One event of the plan. Its attendees are people firstPerson, firstPerson + 1, ... (wrapping). */
export interface PlannedEvent {
	n: number;
	name: string;
	slug: string;
	phase: Phase;
	deleted: boolean;
	/** How long ago it took place, in days (its rows' times are set from this). */
	daysAgo: number;
	firstPerson: number;
	ownerPerson: number;
	attendees: number;
	/** Attendees 0 .. projects-1 each own one project. */
	projects: number;
	/** The next attendees join the projects as teammates, round robin. */
	collaborators: number;
	/** Projects of the events before this one: its projects are numbered from projectOffset + 1. */
	projectOffset: number;
	/** Votes per attendee: 1 below 4 projects, 2 up to 19, 3 from 20 (as cast_ballot). */
	voteLimit: number;
	/** Votes cast in it: the first attendees vote up to their limit until it is reached. */
	votes: number;
	featured: 'voting' | 'closed' | null;
}

export interface Plan {
	events: PlannedEvent[];
	/** Votes asked for but impossible under the vote limits with these sizes (0 when all fit). */
	votesShort: number;
}

/** The vote limit of an event with this many projects (the rule of cast_ballot and the vote trigger). */
export function voteLimit(projects: number): number {
	return projects < 4 ? 1 : projects < 20 ? 2 : 3;
}

/** A small seeded PRNG (mulberry32): the plan must not change from run to run. */
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

/** Splits `total` over the weights, exactly, in proportion (cumulative rounding down). */
function share(total: number, weights: number[]): number[] {
	const sum = weights.reduce((a, b) => a + b, 0);
	if (sum === 0) return weights.map(() => 0);
	let cumulative = 0;
	let given = 0;
	return weights.map((weight) => {
		cumulative += weight;
		const upTo = Math.floor((total * cumulative) / sum + 1e-9);
		const part = Math.min(upTo, total) - given;
		given += part;
		return part;
	});
}

const KINDS = [
	'Scrapyard',
	'Campfire',
	'Daydream',
	'Undercity',
	'Counterspell',
	'Juice',
	'Apocalypse',
	'Boba'
];
const CITIES = [
	'Austin',
	'Berlin',
	'Boston',
	'Delhi',
	'Lagos',
	'London',
	'Manila',
	'Nairobi',
	'Oslo',
	'Paris'
];

/** Vote capacity of one event: what its attendees could cast at most, teammates skipping their own. */
function capacity(e: Pick<PlannedEvent, 'attendees' | 'projects' | 'collaborators'>): number {
	const team = e.projects + e.collaborators;
	const limit = voteLimit(e.projects);
	return (
		team * Math.min(limit, Math.max(0, e.projects - 1)) + (e.attendees - team) * Math.min(limit, e.projects)
	);
}

/** Plans every event for these sizes. */
export function planEvents(sizes: ScaleSizes): Plan {
	const rand = random(20261128);
	const { people, events, projects, collaborators, attendances } = sizes;
	const fa = Math.min(1, attendances / FULL_SIZES.attendances);
	const fj = Math.min(1, projects / FULL_SIZES.projects);
	const featured = (['voting', 'closed'] as const).map((kind) => {
		const full = FEATURED_FULL[kind];
		// At least two projects and one voter outside the teams, so that even a tiny one has votes.
		const attendees = Math.max(
			6,
			Math.min(Math.round(full.attendees * fa), Math.floor(attendances / 4), people)
		);
		const p = Math.max(
			2,
			Math.min(Math.round(full.projects * fj), Math.floor(projects / 4), Math.floor(attendees / 3))
		);
		const c = Math.min(Math.round((p * collaborators) / Math.max(1, projects)), attendees - p - 1);
		return { kind, attendees, projects: p, collaborators: c };
	});
	const regularCount = events - 2;
	const counts = {
		draft: regularCount >= 3 ? Math.max(1, Math.round(regularCount * 0.004)) : 0,
		submission: regularCount >= 2 ? Math.max(1, Math.round(regularCount * 0.006)) : 0,
		voting: Math.round(regularCount * 0.0018),
		deleted: regularCount >= 4 ? Math.max(1, Math.round(regularCount * 0.003)) : 0
	};
	const phaseOf = (r: number): Phase =>
		r < counts.draft
			? 'draft'
			: r < counts.draft + counts.submission
				? 'submission'
				: r < counts.draft + counts.submission + counts.voting
					? 'voting'
					: 'closed';
	const closedCount = regularCount - counts.draft - counts.submission - counts.voting;
	const deletedEvery = counts.deleted > 0 ? Math.max(1, Math.floor(closedCount / counts.deleted)) : 0;

	// Regular events: about a quarter are hackathons with 20 projects or more (most attendances and
	// votes: three each), the others small events with few projects. Drafts have nobody yet.
	const regular = Array.from({ length: regularCount }, (_, r) => {
		const phase = phaseOf(r);
		const closedIndex = r - (regularCount - closedCount);
		const deleted =
			phase === 'closed' &&
			deletedEvery > 0 &&
			closedIndex % deletedEvery === deletedEvery - 1 &&
			Math.floor(closedIndex / deletedEvery) < counts.deleted;
		const big = phase !== 'draft' && rand() < 0.25;
		return { r, phase, deleted, big, u: rand(), v: rand() };
	});
	const active = regular.filter((e) => e.phase !== 'draft');
	const bigOnes = active.filter((e) => e.big);
	const smallOnes = active.filter((e) => !e.big);
	const restAttendances = attendances - featured.reduce((s, f) => s + f.attendees, 0);
	const restProjects = projects - featured.reduce((s, f) => s + f.projects, 0);
	const restCollaborators = collaborators - featured.reduce((s, f) => s + f.collaborators, 0);
	const bigAttendances = smallOnes.length === 0 ? restAttendances : Math.round(restAttendances * 0.85);
	const bigProjects = smallOnes.length === 0 ? restProjects : Math.round(restProjects * 0.9);
	const sized = new Map<number, { attendees: number; projects: number }>();
	const distribute = (
		group: typeof active,
		totalA: number,
		totalP: number,
		baseA: number,
		baseP: number,
		weightA: (e: (typeof active)[number]) => number,
		weightP: (e: (typeof active)[number]) => number
	) => {
		const ba = Math.min(baseA, Math.floor(totalA / Math.max(1, group.length)));
		const bp = Math.min(baseP, Math.floor(totalP / Math.max(1, group.length)));
		const extraA = share(totalA - ba * group.length, group.map(weightA));
		const extraP = share(totalP - bp * group.length, group.map(weightP));
		group.forEach((e, i) => sized.set(e.r, { attendees: ba + extraA[i], projects: bp + extraP[i] }));
	};
	distribute(
		bigOnes,
		bigAttendances,
		bigProjects,
		150,
		20,
		(e) => 1 + e.u * e.u * 3,
		(e) => 1 + e.u * e.u * 3
	);
	distribute(
		smallOnes,
		restAttendances - bigAttendances,
		restProjects - bigProjects,
		5,
		0,
		(e) => 0.2 + e.u ** 3 * 10,
		(e) => e.v ** 4
	);

	const planned = regular.map((e) => {
		const size = sized.get(e.r) ?? { attendees: 0, projects: 0 };
		const attendees = Math.min(size.attendees, people);
		return { ...e, attendees, projects: Math.min(size.projects, Math.floor(attendees / 2)) };
	});
	// Teammates in proportion to projects, never more than the attendees left over.
	const teams = share(
		restCollaborators,
		planned.map((e) => e.projects)
	);
	const withTeams = planned.map((e, i) => ({
		...e,
		collaborators: Math.min(teams[i], e.attendees - e.projects)
	}));
	// What rounding or the limits above left over goes to the biggest events, which have room.
	// What rounding or the limits above left over goes to the biggest events, which have room.
	const open = withTeams.filter((e) => e.phase !== 'draft');
	type Sized = { attendees: number; projects: number; collaborators: number };
	/** Adds `left` to the candidates, biggest first, as far as `room` allows; returns what did not fit. */
	const place = (left: number, candidates: Sized[], room: (e: Sized) => number, key: keyof Sized) => {
		for (const e of [...candidates].sort((a, b) => b.attendees - a.attendees)) {
			const n = Math.min(left, Math.max(0, room(e)));
			e[key] += n;
			left -= n;
		}
		return left;
	};
	const sum = (list: Sized[], key: keyof Sized) => list.reduce((s, e) => s + e[key], 0);
	const personRoom = (e: Sized) => people - e.attendees;
	const teamRoom = (e: Sized) => e.attendees - e.projects - e.collaborators;
	// Attendances that do not fit into the regular events (tiny sizes) join the featured ones as voters.
	place(restAttendances - sum(withTeams, 'attendees'), open, personRoom, 'attendees');
	const unplaced =
		place(attendances - sum([...withTeams, ...featured], 'attendees'), featured, personRoom, 'attendees') +
		place(restProjects - sum(withTeams, 'projects'), open, teamRoom, 'projects') +
		place(
			restCollaborators - sum(withTeams, 'collaborators'),
			open.filter((e) => e.projects > 0),
			teamRoom,
			'collaborators'
		);
	if (unplaced > 0) {
		throw new Error(
			'Sizes not possible: the events cannot hold that many attendances, projects and teammates.'
		);
	}

	const all: Omit<PlannedEvent, 'projectOffset' | 'voteLimit' | 'votes' | 'firstPerson' | 'ownerPerson'>[] = [
		...featured.map((f, i) => ({
			n: i + 1,
			name: f.kind === 'voting' ? 'Scale Voting Hackathon' : 'Scale Closed Hackathon',
			slug: `scale-${f.kind}`,
			phase: f.kind,
			deleted: false,
			daysAgo: f.kind === 'voting' ? 0.2 : 20,
			attendees: f.attendees,
			projects: f.projects,
			collaborators: f.collaborators,
			featured: f.kind
		})),
		...withTeams.map((e) => {
			const n = e.r + 3;
			const name = `${KINDS[n % KINDS.length]} ${CITIES[Math.floor(n / KINDS.length) % CITIES.length]} ${n}`;
			return {
				n,
				name,
				slug: name.toLowerCase().replaceAll(' ', '-'),
				phase: e.phase,
				deleted: e.deleted,
				// Newest first: drafts and open events are recent, the rest spread over three years.
				daysAgo: e.phase === 'closed' ? 3 + (1092 * e.r) / Math.max(1, regularCount) : e.r * 0.05,
				attendees: e.attendees,
				projects: e.projects,
				collaborators: e.collaborators,
				featured: null
			};
		})
	];

	let projectOffset = 0;
	const result = all.map((e) => {
		const firstPerson = 1 + Math.floor(rand() * people);
		const event: PlannedEvent = {
			...e,
			firstPerson,
			// Not an attendee: the person right after the last one.
			ownerPerson: ((firstPerson - 1 + e.attendees) % people) + 1,
			projectOffset,
			voteLimit: voteLimit(e.projects),
			votes: 0
		};
		projectOffset += e.projects;
		return event;
	});

	// Votes: the featured events first (80 % of the voting one's attendees have voted, everybody in the
	// closed one), then the other events in a random order, each up to its capacity, until the number
	// asked for is reached. Open regular events have 60 % of their capacity.
	let left = sizes.votes;
	const take = (e: PlannedEvent, share: number) => {
		const votes = Math.min(left, Math.floor(capacity(e) * share));
		e.votes = votes;
		left -= votes;
	};
	for (const e of result) if (e.featured) take(e, e.featured === 'voting' ? 0.8 : 1);
	const others = result.filter((e) => !e.featured && (e.phase === 'voting' || e.phase === 'closed'));
	const order = others.map((e) => ({ e, key: rand() })).sort((a, b) => a.key - b.key);
	for (const { e } of order) take(e, e.phase === 'voting' ? 0.6 : 1);
	return { events: result, votesShort: left };
}
