// Run by plain `node` (tests/integration/embedded-lock.test.ts): takes the lock of the embedded
// database directories argv[2]/0, argv[2]/1, ... (argv[3] of them), directory i at the time
// argv[4] + 2i ms (ms since the epoch, so that several processes try each one at the same moment).
// Says on stdout which ones it got, and keeps them until it is killed.
import path from 'node:path';
import { EmbeddedLockError, lockEmbeddedDirectory } from '../../src/lib/server/embedded/lock.ts';

const [parent, count, at] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
await new Promise((resolve) => setTimeout(resolve, Number(at) - now() - 20));
const won: number[] = [];
for (let i = 0; i < Number(count); i++) {
	while (now() < Number(at) + 2 * i) {
		// spinning: a timer is not that precise
	}
	try {
		lockEmbeddedDirectory(path.join(parent, String(i)));
		won.push(i);
	} catch (error) {
		if (!(error instanceof EmbeddedLockError)) throw error;
	}
}
console.log(JSON.stringify({ won }));
setInterval(() => {}, 60_000);
