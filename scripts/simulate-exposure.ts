// Simulates voters opening the ballot of one event and prints how evenly the projects appear in the first
// screenful (top 6): the balanced design the app uses (src/lib/server/results/ballot-design.ts) against
// the per-voter shuffle ballots used before it. Usage: npm run sim:exposure [-- voters projects]
import { randomUUID } from 'node:crypto';
import {
	designRow,
	FIRST_SCREEN,
	firstScreenRatio,
	shuffleFor
} from '../src/lib/server/results/ballot-design.ts';

const voters = Number(process.argv[2] ?? 1_000);
const projectCount = Number(process.argv[3] ?? 60);
if (!Number.isSafeInteger(voters) || voters < 1 || !Number.isSafeInteger(projectCount) || projectCount < 2) {
	console.error('usage: npm run sim:exposure -- [voters ≥ 1] [projects ≥ 2]');
	process.exit(2);
}

const eventId = randomUUID();
const projects = Array.from({ length: projectCount }, () => ({ id: randomUUID() }));
const ids = projects.map((p) => p.id);
const voterIds = Array.from({ length: voters }, () => randomUUID());

function describe(name: string, ballots: string[][]) {
	const top = firstScreenRatio(ids, ballots, FIRST_SCREEN);
	const first = firstScreenRatio(ids, ballots, 1);
	console.log(
		`${name.padEnd(22)} first-screen (top ${FIRST_SCREEN}) max/min ${top.toFixed(3)}   position 1 max/min ${first === Infinity ? '∞ (some project never first)' : first.toFixed(3)}`
	);
	return top;
}

console.log(`${voters} voters, ${projectCount} projects`);
const shuffled = describe(
	'per-voter shuffle',
	voterIds.map((voter) => shuffleFor(voter, projects).map((p) => p.id))
);
const balanced = describe(
	'balanced design',
	voterIds.map((_, k) => designRow(eventId, projects, k).map((p) => p.id))
);
// As in the app, a voter's own project is left out of their design row (the rest move up): here one
// voter in every voters/projects owns a project.
const stride = Math.max(1, Math.floor(voters / projectCount));
const ownerOf = new Map(ids.map((id, i) => [i * stride, id] as const));
describe(
	'balanced, owners skip',
	voterIds.map((_, k) =>
		designRow(eventId, projects, k)
			.map((p) => p.id)
			.filter((id) => id !== ownerOf.get(k))
	)
);
console.log(`target for the balanced design: ≤ 1.15 → ${balanced <= 1.15 ? 'met' : 'NOT met'}`);
console.log(`improvement: ${(shuffled / balanced).toFixed(2)}× more even`);
