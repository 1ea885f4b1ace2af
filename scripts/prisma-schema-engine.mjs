#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
//
// The Prisma CLI finds it through PRISMA_SCHEMA_ENGINE_BINARY (set in prisma.config.ts), spawns
//   <engine> [--datamodels <file>]... [--datasource '{"url":...,"shadowDatabaseUrl":...}']
// and speaks JSON-RPC 2.0 with it, one JSON object per line on stdin/stdout. Logs go to stderr as
// JSON lines. A few commands are one-shot instead: `--version` and `cli <command>`.
//
// The work is delegated to Prisma's WebAssembly build of the same engine
// (@prisma/schema-engine-wasm), which reaches PostgreSQL through @prisma/adapter-pg. Several
// defects of that wiring are worked around below; each is marked "Workaround".

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';

const ENGINE_HASH = '59be4fda12412a79eeb9c2ae727b6aa723593323';

// The CLI parses every stderr line as JSON (and one-shot commands fail outright on anything
// else), so Node's own warnings (ExperimentalWarning, deprecations, ...) become JSON log lines.
process.removeAllListeners('warning');
process.on('warning', (w) => log('WARN', `${w.name}: ${w.message}`));

function log(level, message, fields = {}) {
	const line = { level, fields: { message, ...fields }, target: 'schema_engine::logger' };
	process.stderr.write(JSON.stringify(line) + '\n');
}

// ---------------------------------------------------------------- command line
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-V')) {
	console.log(`schema-engine-cli ${ENGINE_HASH}`);
	process.exit(0);
}
const datamodelPaths = [];
let datasource = {};
let cliCommand = null;
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--datamodels') datamodelPaths.push(args[++i]);
	else if (args[i] === '--datasource') datasource = JSON.parse(args[++i]);
	else if (args[i] === 'cli') cliCommand = args[++i];
	else if (args[i].startsWith('--')) i++; // --enabled-preview-features, --extension-types: unused
}

// Resolve packages from the project, and `pg` from where adapter-pg resolves it, so that our
// patch below reaches the very instance the adapter uses.
const require = createRequire(import.meta.url);
const pg = createRequire(require.resolve('@prisma/adapter-pg'))('pg');

// Workaround (1): adapter-pg cannot deserialize Postgres's internal "char" type (OID 18), which
// the engine's catalog queries return. Present it as text (OID 25); its wire format is the same.
const addFields = pg.Result.prototype.addFields;
pg.Result.prototype.addFields = function (fields) {
	for (const f of fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
	return addFields.call(this, fields);
};

/** Connection settings for pg / adapter-pg, honouring `?schema=` (Workaround 5). */
function pgConfig(url) {
	const schema = new URL(url).searchParams.get('schema') ?? undefined;
	const config = { connectionString: url };
	if (schema) config.options = `-c search_path="${schema}"`;
	return { config, schema };
}

const withDatabase = (url, name) => {
	const u = new URL(url);
	u.pathname = '/' + encodeURIComponent(name);
	return u.toString();
};
const databaseName = (url) => decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

/** Runs `fn` with a plain pg client on `url`. */
async function withClient(url, fn) {
	const client = new pg.Client(pgConfig(url).config);
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end().catch(() => {});
	}
}

/** CREATE DATABASE for `url`'s database, issued from the server's `postgres` database. */
async function createDatabase(url) {
	const name = databaseName(url);
	await withClient(withDatabase(url, 'postgres'), (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
	return name;
}

/** Maps a pg / socket error to the Prisma error code the CLI understands. */
function prismaErrorCode(e) {
	const codes = { '3D000': 'P1003', '42P04': 'P1009', '28P01': 'P1000', 28000: 'P1000' };
	const socket = { ECONNREFUSED: 'P1001', ENOTFOUND: 'P1001', ETIMEDOUT: 'P1001', EAI_AGAIN: 'P1001' };
	return codes[e?.code] ?? socket[e?.code] ?? null;
}

// ---------------------------------------------------------------- one-shot commands
if (cliCommand) {
	// The CLI drops the first stderr line, then JSON.parses each remaining one.
	log('INFO', 'Starting schema engine CLI');
	const url = datasource.url;
	try {
		if (!url) throw new Error('No datasource URL was given (--datasource).');
		if (cliCommand === 'can-connect-to-database') await withClient(url, (c) => c.query('SELECT 1'));
		else if (cliCommand === 'create-database') await createDatabase(url);
		else if (cliCommand === 'drop-database')
			await withClient(withDatabase(url, 'postgres'), (c) =>
				c.query(`DROP DATABASE ${quoteIdent(databaseName(url))} WITH (FORCE)`)
			);
		else throw new Error(`Unknown cli command: ${cliCommand}`);
		process.exit(0);
	} catch (e) {
		const message = String(e?.message ?? e).replaceAll(url ?? '\0', '<REDACTED>');
		process.stderr.write(
			JSON.stringify({
				level: 'ERROR',
				target: 'schema_engine::logger',
				fields: { error_code: prismaErrorCode(e), message }
			})
		);
		process.exit(1);
	}
}

// ---------------------------------------------------------------- the WebAssembly engine
const { PrismaPg } = await import(require.resolve('@prisma/adapter-pg'));
const { bindMigrationAwareSqlAdapterFactory } = await import(require.resolve('@prisma/driver-adapter-utils'));

// Workaround (3): adapter-pg's executeScript splits the script on `;` and runs the pieces one by
// one, which breaks string literals and $$ bodies containing `;` and leaves a failed migration
// half-applied. A multi-statement simple query runs as one implicit transaction, like the
// native engine does.
function fixAdapter(adapter) {
	const onError = adapter.onError.bind(adapter);
	adapter.onError = (e) => {
		lastDbError = e; // the engine only sees a summary; keep the details for the error reply
		onError(e);
	};
	adapter.executeScript = async (script) => {
		try {
			await adapter.client.query(script);
		} catch (e) {
			adapter.onError(e);
		}
	};
	return adapter;
}

/** The last error PostgreSQL (or the socket) raised during the current request. */
let lastDbError = null;

/** Adapters of shadow databases we created and have not dropped yet. */
const shadowDatabases = new Set();
/** Drops them all (the engine normally disposes each one itself before replying). */
const dropShadowDatabases = () => Promise.all([...shadowDatabases].map((a) => a.dispose().catch(() => {})));

class EngineAdapterFactory extends PrismaPg {
	constructor(url, shadowUrl) {
		const { config, schema } = pgConfig(url);
		super(config, { schema });
		this.url = url;
		this.shadowUrl = shadowUrl;
		this.schema = schema;
	}

	async connect() {
		return fixAdapter(await super.connect());
	}

	// Workaround (2): adapter-pg's own version connects to the MAIN database (its connectionString
	// wins over `database`) and drops the database before closing the pool that uses it.
	async connectToShadowDb() {
		if (this.shadowUrl) {
			if (
				databaseName(this.shadowUrl) === databaseName(this.url) &&
				new URL(this.shadowUrl).host === new URL(this.url).host
			)
				throw new Error(
					'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.'
				);
			const { config, schema } = pgConfig(this.shadowUrl);
			// Like the native engine: start from an empty shadow schema.
			const target = quoteIdent(schema ?? 'public');
			await withClient(this.shadowUrl, (c) =>
				c.query(`DROP SCHEMA IF EXISTS ${target} CASCADE; CREATE SCHEMA ${target}`)
			);
			return fixAdapter(await new PrismaPg(config, { schema }).connect());
		}
		const name = `prisma_migrate_shadow_db_${randomUUID()}`;
		await withClient(this.url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
		const adapter = fixAdapter(
			await new PrismaPg(pgConfig(withDatabase(this.url, name)).config, { schema: this.schema }).connect()
		);
		const endPool = adapter.dispose.bind(adapter);
		let cleanup;
		// Idempotent: called by the engine, and again by finish() in case the engine never did.
		adapter.dispose = () =>
			(cleanup ??= (async () => {
				await endPool();
				await withClient(this.url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
			})().finally(() => shadowDatabases.delete(adapter)));
		shadowDatabases.add(adapter);
		return adapter;
	}
}

// The wasm glue reports panics through this global; remember the message for the reply.
let panicMessage = null;
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => (panicMessage = m) };

// The package entry point uses an ESM wasm import that Node cannot load, so instantiate the
// module ourselves. Exactly once per process: a second instantiation corrupts the glue's state.
async function startEngine() {
	const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
	const glue = await import(gluePath);
	const bytes = fs.readFileSync(gluePath.replace(/\.js$/, '.wasm'));
	const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
	glue.__wbg_set_wasm(instance.exports);
	instance.exports.__wbindgen_start();

	const datamodels = datamodelPaths.map((file) => [file, fs.readFileSync(file, 'utf8')]);
	// Without a URL (e.g. `migrate diff --from-empty --to-schema`) nothing connects anyway.
	const url = datasource.url ?? 'postgresql://localhost/postgres';
	const factory = bindMigrationAwareSqlAdapterFactory(
		new EngineAdapterFactory(url, datasource.shadowDatabaseUrl)
	);
	const engine = await glue.SchemaEngine.new(
		{ datamodels: datamodels.length ? datamodels : undefined },
		(line) => line && process.stderr.write(line.endsWith('\n') ? line : line + '\n'),
		factory
	);
	return { engine, factory };
}

// ---------------------------------------------------------------- JSON-RPC over stdio
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');

/** Engine -> CLI requests (only `print`) waiting for the CLI's answer. */
const outgoing = new Map();
let nextOutgoingId = 1;
function requestCli(method, params) {
	const id = nextOutgoingId++;
	send({ jsonrpc: '2.0', id, method, params });
	return new Promise((resolve) => outgoing.set(id, resolve));
}

const SHADOW_NOT_CACHED = 'shadow DB must be provided through an external factory';

async function dispatch({ engine, factory }, method, params = {}) {
	switch (method) {
		case 'getDatabaseVersion':
			return engine.version(params);
		case 'createDatabase': {
			const url = params.datasource?.tag === 'ConnectionString' ? params.datasource.url : datasource.url;
			return { databaseName: await createDatabase(url) };
		}
		case 'diff': {
			// The CLI prints the diff only when the engine asks it to.
			const { stdout, ...rest } = await engine.diff(params);
			if (stdout) await requestCli('print', { content: stdout.replace(/\n$/, '') });
			return rest;
		}
		case 'createMigration':
		case 'evaluateDataLoss':
			// Workaround (4): in the wasm build these can only reuse the shadow schema cached by
			// devDiagnostic; prime that cache with the same migrations, then retry once.
			try {
				return await engine[method](params);
			} catch (e) {
				if (!String(e?.message).includes(SHADOW_NOT_CACHED)) throw e;
				await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
				return await engine[method](params);
			}
		case 'debugPanic':
			return engine.debugPanic();
		default:
			if (typeof engine[method] !== 'function' || method === 'free' || method === 'version')
				throw Object.assign(new Error(`Unknown method: ${method}`), { rpcCode: -32601 });
			return engine[method](params);
	}
}

/** Converts a thrown value into the error object the CLI expects. */
function rpcError(e, method, factory) {
	if (e?.rpcCode) return { code: e.rpcCode, message: e.message };
	const isPanic = e?.panic === true || e instanceof WebAssembly.RuntimeError || panicMessage !== null;
	let message = isPanic ? (panicMessage ?? String(e?.message ?? e)) : String(e?.message ?? e);
	let code = /^P\d{4}$/.test(e?.code) ? e.code : prismaErrorCode(lastDbError ?? e);
	// A JS error thrown inside the adapter (e.g. by connectToShadowDb) reaches the engine only
	// as an id in the adapter's error registry, so the engine's message lacks its text.
	const jsError = factory?.errorRegistry.registeredErrors.find(Boolean)?.error;
	if (jsError) message = message.replace(/External error id#\d+/, String(jsError.message ?? jsError));
	// The wasm engine reports a failed migration as a bare "external connector error"; give the
	// CLI the same P3018 report the native engine produces.
	const failed = /apply_script\s+with migration_name="([^"]+)"/.exec(message);
	if (method === 'applyMigrations' && failed && lastDbError?.code) {
		code = 'P3018';
		message =
			'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
			'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve' +
			`\n\nMigration name: ${failed[1]}\n\nDatabase error code: ${lastDbError.code}\n\nDatabase error:\n` +
			`ERROR: ${lastDbError.message}\n`;
	}
	return {
		code: 4466,
		message: 'An error happened. Check the data field for details.',
		data: { is_panic: isPanic, message, meta: e?.meta ?? null, error_code: code }
	};
}

let enginePromise = null;
let queue = Promise.resolve();
/** The request being worked on, so that a panic escaping the engine can still be answered. */
let current = null;

function reply(id, method, result, e) {
	if (!e) return send({ jsonrpc: '2.0', id, result: result ?? {} });
	const error = rpcError(e, method, current?.factory);
	send({ jsonrpc: '2.0', id, error });
	// After a panic the wasm instance is unusable: let the CLI see the reply, then stop.
	if (error.data?.is_panic) return finish(101);
}

function handleLine(line) {
	if (!line.trim()) return;
	let msg;
	try {
		msg = JSON.parse(line);
	} catch {
		return send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
	}
	if (msg.method === undefined) {
		// The CLI's answer to one of our own requests.
		outgoing.get(msg.id)?.(msg.result);
		return outgoing.delete(msg.id);
	}
	enginePromise ??= startEngine();
	// Requests are answered one at a time, in order (the engine is single-threaded anyway).
	queue = queue.then(async () => {
		current = { ...msg };
		try {
			const ctx = await enginePromise;
			current.factory = ctx.factory;
			lastDbError = null; // (kept when the engine could not start: it explains why)
			ctx.factory.errorRegistry.registeredErrors.length = 0;
			const result = await dispatch(ctx, msg.method, msg.params);
			await reply(msg.id, msg.method, result);
		} catch (e) {
			await reply(msg.id, msg.method, null, e);
		}
		current = null;
	});
}

// Some engine panics surface as an uncaught `RuntimeError: unreachable` rather than as a rejected
// promise: answer the request in flight, and drop the shadow databases before exiting.
for (const event of ['uncaughtException', 'unhandledRejection'])
	process.on(event, (e) => {
		if (!(e instanceof WebAssembly.RuntimeError) && panicMessage === null) log('ERROR', String(e?.stack ?? e));
		if (current) reply(current.id, current.method, null, { message: String(e?.message ?? e), panic: true });
		else finish(101);
	});

/** Drops leftover shadow databases, flushes stdout, exits. */
async function finish(code = 0) {
	await dropShadowDatabases();
	await new Promise((resolve) => process.stdout.write('', resolve));
	process.exit(code);
}

readline
	.createInterface({ input: process.stdin, crlfDelay: Infinity })
	.on('line', handleLine)
	.on('close', () => {
		// applyMigrations leaves a ~10 s timer behind: exit explicitly once every reply is out.
		queue.then(() => finish(0));
	});
// The CLI kills the engine right after closing stdin; do not leave a shadow database behind.
process.on('SIGTERM', () => finish(0));
