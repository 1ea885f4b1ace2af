// `npm run admin -- grant|revoke|list`: the operator command that makes someone a platform admin.
// Works on the PostgreSQL server in DATABASE_URL and on the embedded database (stop the app first: the
// embedded database is opened by one process at a time).

import os from 'node:os';

export const HELP = `Usage: npm run admin -- grant <email>    make the person with this address a platform admin
       npm run admin -- revoke <email>   take the role away
       npm run admin -- list             list the platform admins

The person must have signed in once. Every grant and revoke is recorded in the platform audit log as
done by "operator command (user@host)".

Environment:
  DATABASE_URL          the PostgreSQL server (default: the embedded database in EMBEDDED_DATABASE_DIR;
                        stop the app first, the embedded database is used by one process at a time)

Exit status: 0 done, 1 refused (unknown address) or the database could not be used, 2 bad usage.`;

export interface Io {
	out: (text: string) => void;
	err: (text: string) => void;
}

const defaultIo: Io = {
	out: (text) => process.stdout.write(`${text}\n`),
	err: (text) => process.stderr.write(`${text}\n`)
};

/** Runs the command; resolves to the exit status. The caller closes the database. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
	const [verb, email, ...rest] = argv;
	if (verb === '-h' || verb === '--help' || verb === 'help') {
		io.out(HELP);
		return 0;
	}
	const needsEmail = verb === 'grant' || verb === 'revoke';
	if (!(needsEmail || verb === 'list') || rest.length > 0 || (needsEmail ? !email?.trim() : email)) {
		io.err(HELP);
		return 2;
	}
	const { prepareDatabase } = await import('../db.ts');
	const { RuleViolation } = await import('../rules.ts');
	const admins = await import('./admins.ts');
	try {
		await prepareDatabase();
		const actor = { command: `${os.userInfo().username}@${os.hostname()}` };
		if (verb === 'list') {
			const list = await admins.listPlatformAdmins();
			if (list.length === 0) io.out('No platform admins yet: npm run admin -- grant <email>');
			for (const admin of list) {
				io.out(`${admin.email}\t${admin.name}\tsince ${admin.since.toISOString().slice(0, 10)}`);
			}
			return 0;
		}
		const result =
			verb === 'grant'
				? await admins.grantPlatformAdmin(actor, email)
				: await admins.revokePlatformAdmin(actor, email);
		const done = verb === 'grant' ? 'is now a platform admin' : 'is no longer a platform admin';
		const already = verb === 'grant' ? 'is already a platform admin' : 'was not a platform admin';
		io.out(`${result.email} ${result.changed ? done : already}.`);
		return 0;
	} catch (error) {
		if (error instanceof RuleViolation) {
			io.err(error.message);
			return 1;
		}
		io.err(`The database could not be used: ${(error as Error).message}`);
		return 1;
	}
}
