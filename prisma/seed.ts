// `npx prisma db seed` (and `npm run backfill`): the Airtable backfill. See `--help` and
// src/lib/server/backfill/.
import { main } from '../src/lib/server/backfill/cli.ts';

// Exit at once: when the database check fails, requests to Airtable may still be under way.
process.exit(await main(process.argv.slice(2)));
