// `npx prisma db seed` (and `npm run backfill`): the Airtable backfill. See `--help` and
// src/lib/server/backfill/.
import { main } from '../src/lib/server/backfill/cli.ts';

process.exitCode = await main(process.argv.slice(2));
