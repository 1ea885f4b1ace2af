/**
 * The embedded database (PGlite) as the app uses it, in the thread that opened it: in the database's own
 * thread (worker.ts), and in the app's for an in-memory database (the tests' copies of a migrated one).
 * Imports packages only: Node runs it in the database's thread without Vite.
 */
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlConnection } from '../migrations.ts';

// The extensions the migrations create (pg_trgm: the admin search's trigram indexes) must be loaded into
// PGlite; a PostgreSQL server ships them.
export const embeddedOptions = { extensions: { pg_trgm } };

/** What the app needs of an embedded database, wherever it runs (thread.ts for one in its own thread). */
export interface EmbeddedDatabase {
	/** For the Prisma client. */
	adapter: SqlDriverAdapterFactory;
	/** For the migrations: plain statements. */
	sql: SqlConnection;
	/**
	 * Calls `onNotify` for every NOTIFY on `channel`, and `onError` if it stops hearing them (the database
	 * stopped); resolves to a function that stops listening.
	 */
	listen(
		channel: string,
		onNotify: (payload: string) => void,
		onError: (error: Error) => void
	): Promise<() => Promise<void>>;
	/** Closes the database: its files are consistent afterwards. */
	close(): Promise<void>;
}

/** An embedded database used from the thread that opened it. */
export function inThisThread(pglite: PGlite): EmbeddedDatabase {
	return {
		adapter: prismaAdapterOf(pglite),
		sql: pglite as SqlConnection,
		// One database in this process: PGlite delivers its NOTIFYs to its own listeners.
		listen: async (channel, onNotify) => {
			await pglite.waitReady;
			const stop = await pglite.listen(channel, onNotify);
			return async () => stop();
		},
		close: () => pglite.close()
	};
}

/** The Prisma driver adapter of a PGlite database. */
export function prismaAdapterOf(pglite: PGlite): SqlDriverAdapterFactory {
	return new PrismaPGlite(withParsersOnce(pglite));
}

/**
 * The database as the Prisma adapter sees it: its queries' parsers go into the database's own table,
 * instead of with every query. PGlite merges a query's parsers into its table (318 types) for every
 * query that brings some, as the adapter's all do: 65 µs a query, a tenth of a ballot's time on the
 * embedded database (BENCHMARKS.md). The results are the same: that merged table is the one the query
 * would have used. The app's own queries on the database (migrations, LISTEN) read only text and booleans,
 * which the adapter's parsers leave alone.
 */
function withParsersOnce(pglite: PGlite): PGlite {
	const once = <T extends QueryOptions>(options?: T) => {
		if (!options?.parsers) return options;
		// Checked at every query (24 entries): PGlite writes its table again if refreshArrayTypes() is called.
		for (const [type, parser] of Object.entries(options.parsers)) {
			if (pglite.parsers[type] !== parser) pglite.parsers[type] = parser;
		}
		return { ...options, parsers: undefined };
	};
	const query: PGlite['query'] = (sql, params, options) => pglite.query(sql, params, once(options));
	const transaction: PGlite['transaction'] = (callback) =>
		pglite.transaction((tx) =>
			callback(overriding(tx, { query: (sql, params, options) => tx.query(sql, params, once(options)) }))
		);
	return overriding(pglite, { query, transaction });
}

/** `target` with some of its members replaced; the others are its own, bound to it. */
function overriding<T extends object>(target: T, members: Partial<T>): T {
	return new Proxy(target, {
		get(target, property) {
			if (Object.hasOwn(members, property)) return members[property as keyof T];
			const value = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}
