// `npm run seed:scale [-- --reuse] [--scale 0.1] [--people 100000 --events 5000 ...]`: the scale
// database of issue #11 (100,000 people, 5,000 events, 30,000 projects, a million votes) on a
// PostgreSQL server, for benchmarks (npm run bench:scale) and for trying the admin pages at scale.
//
// BENCH_SCALE_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/podium_scale) is DROPPED and
// created again, unless --reuse and it already holds this seed's data at these sizes. Its user must be
// a superuser: the load sets session_replication_role (see scripts/scale/seed.ts).

import { DEFAULT_SCALE_URL, prepareScaleDatabase } from './scale/database.ts';
import { SIZE_OPTIONS, sizesFromOptions } from './scale/sizes.ts';
import { commandLine } from './command-line.ts';

const { values } = commandLine(import.meta.url, {
	...SIZE_OPTIONS,
	reuse: { type: 'boolean', default: false }
});
const url = process.env.BENCH_SCALE_DATABASE_URL?.trim() || DEFAULT_SCALE_URL;

try {
	const sizes = sizesFromOptions(values);
	console.log(`[seed] ${url.replace(/\/\/[^@]*@/, '//')}: ${JSON.stringify(sizes)}`);
	const outcome = await prepareScaleDatabase({
		url,
		sizes,
		reuse: values.reuse,
		log: (l) => console.log(`[seed] ${l}`)
	});
	console.log(`[seed] counts: ${JSON.stringify(outcome.counts)}`);
	if (outcome.votesShort > 0) {
		console.log(
			`[seed] ${outcome.votesShort} votes fewer than asked: the vote limits (3 per attendee at most, ` +
				`fewer in events with under 20 projects) allow no more with these sizes`
		);
	}
	console.log(`[seed] ${outcome.reused ? 'reused' : 'seeded'} in ${outcome.seconds} s`);
} catch (error) {
	console.error(`[seed] ${(error as Error).message}`);
	process.exit(1);
}
