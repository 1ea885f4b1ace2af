import { isDatabaseUnavailable, noteDatabaseUnreachable } from './database-status';
import { db } from './db';

const TIMEOUT_MS = 2_000;

/** Whether the database answers a trivial query within two seconds. */
export async function checkDatabaseHealth(): Promise<'reachable' | 'unreachable'> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
	});
	try {
		await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
		return 'reachable';
	} catch (error) {
		// A load balancer's checks may be the only requests during an outage: the log still hears of it.
		if (isDatabaseUnavailable(error)) noteDatabaseUnreachable(error);
		return 'unreachable';
	} finally {
		clearTimeout(timer);
	}
}
