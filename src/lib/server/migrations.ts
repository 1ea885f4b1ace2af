import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { config } from './config.ts';

/** A migration folder of prisma/migrations, as Prisma Migrate lays it out. */
export interface Migration {
	name: string;
	sql: string;
	checksum: string;
}

/** The least a database connection must offer to be migrated: pg's Client and PGlite both do. */
export interface SqlConnection {
	query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
	exec(sql: string): Promise<unknown>;
}

export interface MigrationState {
	pending: string[];
	/** Started but never finished: Prisma needs `migrate resolve` before anything else. */
	failed: string[];
}

/** Where Prisma Migrate keeps the migrations: `prisma/migrations` of the directory the app runs from. */
export function migrationsDir(): string {
	return config().migrationsDir;
}

/** The project's migrations in the order Prisma applies them (folder names sort by timestamp). */
export function readMigrations(dir = migrationsDir()): Migration[] {
	return readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
		.map((entry) => {
			const sql = readFileSync(path.join(dir, entry.name, 'migration.sql'), 'utf8');
			// Prisma Migrate's checksum: the SHA-256 of migration.sql, so its CLI accepts our history.
			return { name: entry.name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

// The table Prisma Migrate keeps its history in, created exactly as Prisma creates it.
const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
	"id" VARCHAR(36) PRIMARY KEY NOT NULL,
	"checksum" VARCHAR(64) NOT NULL,
	"finished_at" TIMESTAMPTZ,
	"migration_name" VARCHAR(255) NOT NULL,
	"logs" TEXT,
	"rolled_back_at" TIMESTAMPTZ,
	"started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
	"applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Which of the project's migrations the database has not applied (or failed to apply). */
export async function readMigrationState(
	db: SqlConnection,
	all: Migration[] = readMigrations()
): Promise<MigrationState> {
	const { rows: exists } = await db.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS ok`);
	if (!(exists[0] as { ok: boolean }).ok) return { pending: all.map((m) => m.name), failed: [] };
	const { rows } = await db.query(
		`SELECT migration_name, finished_at IS NOT NULL AS finished FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`
	);
	const history = rows as { migration_name: string; finished: boolean }[];
	const applied = new Set(history.filter((r) => r.finished).map((r) => r.migration_name));
	return {
		pending: all.filter((m) => !applied.has(m.name)).map((m) => m.name),
		failed: history.filter((r) => !r.finished).map((r) => r.migration_name)
	};
}

/**
 * Applies pending migrations, each in its own transaction together with its history row, so a
 * failing migration leaves neither half its changes nor a record of being applied.
 */
export async function applyMigrations(
	db: SqlConnection,
	all: Migration[] = readMigrations()
): Promise<string[]> {
	await db.exec(HISTORY_TABLE);
	const { pending, failed } = await readMigrationState(db, all);
	if (failed.length > 0) throw new Error(`Migration ${failed[0]} failed earlier and must be resolved first.`);
	const applied: string[] = [];
	for (const migration of all.filter((m) => pending.includes(m.name))) {
		await db.exec('BEGIN');
		try {
			await db.exec(migration.sql);
			await db.query(
				`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
				 VALUES ($1, $2, now(), $3, 1)`,
				[randomUUID(), migration.checksum, migration.name]
			);
			await db.exec('COMMIT');
		} catch (error) {
			await db.exec('ROLLBACK');
			throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, {
				cause: error
			});
		}
		applied.push(migration.name);
	}
	return applied;
}
