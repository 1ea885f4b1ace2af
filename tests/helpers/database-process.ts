// Run by plain `node` (tests/integration/embedded-lock.test.ts): opens the app's database as the app
// does, through src/lib/server/db.ts, and refuses to start as the app does (a sentence on stderr,
// exit status 1). Then it reports on stdout, one JSON object a line, and obeys commands on stdin:
// `add <email>` creates a user, `emails` lists the users, `close` closes the database and exits.
import { createInterface } from 'node:readline';
import { closeDatabase, DatabaseNotReadyError, db, prepareDatabase } from '../../src/lib/server/db.ts';

const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

try {
	await prepareDatabase();
} catch (error) {
	if (!(error instanceof DatabaseNotReadyError)) throw error;
	console.error(error.message);
	process.exit(1);
}
send({ ready: process.pid });

for await (const line of createInterface({ input: process.stdin })) {
	const [command, argument] = line.split(' ');
	if (command === 'add') {
		await db.user.create({ data: { email: argument, firstName: 'Lock' } });
		send({ added: argument });
	} else if (command === 'emails') {
		const users = await db.user.findMany({ select: { email: true }, orderBy: { email: 'asc' } });
		send({ emails: users.map((user) => user.email) });
	} else if (command === 'close') {
		await closeDatabase();
		send({ closed: true });
		process.exit(0);
	}
}
// stdin closed: exit with the database still open, as a process that calls process.exit() does.
process.exit(0);
