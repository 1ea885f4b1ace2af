import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

/** Whether the browser tests' app runs on a PostgreSQL server, which the operator command can share. */
export const onServer = Boolean(process.env.DATABASE_URL);

/**
 * Runs the operator command `npm run admin -- <args>` against the browser tests' database, as an
 * operator would, and returns what it printed. On the embedded database the running app holds the
 * database, so tests that need this skip there (see the journey test for the embedded way).
 */
export function runAdminCommand(args: string[], env: Record<string, string> = {}): string {
	return execFileSync(process.execPath, ['scripts/admin.ts', ...args], {
		cwd: root,
		env: { ...process.env, ...env },
		encoding: 'utf8'
	});
}

/** Makes the person with `email` (who has signed in once) a platform admin, with the operator command. */
export function makePlatformAdmin(email: string, env: Record<string, string> = {}) {
	return runAdminCommand(['grant', email], env);
}
