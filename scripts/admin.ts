// `npm run admin -- grant|revoke|list`: see src/lib/server/platform/cli.ts (and `--help`).
import { main } from '../src/lib/server/platform/cli.ts';

const status = await main(process.argv.slice(2));
if (status !== 2) {
	// Closing writes the embedded database's files out before the process ends.
	const { closeDatabase } = await import('../src/lib/server/db.ts');
	await closeDatabase().catch(() => {});
}
process.exit(status);
