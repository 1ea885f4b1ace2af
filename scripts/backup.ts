// `npm run backup -- <file>` and `npm run restore -- <file>`: see README "Backups" and
// src/lib/server/backup.ts. The database is the app's: DATABASE_URL, else EMBEDDED_DATABASE_DIR.
import { BackupError, backupDatabase, restoreDatabase } from '../src/lib/server/backup.ts';
import { ConfigError, parseConfig } from '../src/lib/server/config.ts';

const [command, file, ...rest] = process.argv.slice(2);
if ((command !== 'backup' && command !== 'restore') || !file || rest.length > 0) {
	console.error('Usage: npm run backup -- <file>   or   npm run restore -- <file>');
	process.exit(2);
}

try {
	// Only the database settings matter here: ORIGIN and mail are the server's business.
	const { database } = parseConfig(process.env, { production: false });
	const where =
		database.kind === 'server'
			? 'the PostgreSQL server in DATABASE_URL'
			: `the embedded database at ${database.dir}`;
	if (command === 'backup') {
		const result = await backupDatabase(database, file);
		console.log(`Backed up ${where} to ${result.file} (${result.bytes} bytes, ${result.tool}).`);
	} else {
		await restoreDatabase(database, file);
		console.log(`Restored ${file} into ${where}.`);
	}
	process.exit(0);
} catch (error) {
	if (error instanceof ConfigError) for (const problem of error.problems) console.error(problem);
	else if (error instanceof BackupError) console.error(error.message);
	else throw error;
	process.exit(1);
}
