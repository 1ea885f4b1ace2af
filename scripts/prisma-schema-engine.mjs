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

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const pg = require('pg');
const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');

// The CLI parses every stderr line as JSON (and one-shot commands fail outright on anything
// else), so Node's own warnings (ExperimentalWarning, deprecations, ...) become JSON log lines.
process.removeAllListeners('warning');
process.on('warning', (w) => log('WARN', `${w.name}: ${w.message}`));
// Once the CLI is gone, writes fail with EPIPE: nobody is left to tell, so ignore them (left
// unhandled, each error would be logged to stderr, fail again, and so on, at full CPU).
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

function log(level, message, fields = {}) {
	const line = { level, fields: { message, ...fields }, target: 'schema_engine::logger' };
	process.stderr.write(JSON.stringify(line) + '\n');
}

// ---------------------------------------------------------------- command line
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-V')) {
	// The engine's commit hash ends the wasm package's version: 8.1.0-2.<hash>.
	const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(gluePath), 'package.json'), 'utf8'));
	console.log(`schema-engine-cli ${version.split('.').pop()}`);
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

/** Connection settings for pg / adapter-pg, honouring `?schema=` (Workaround 5). */
function pgConfig(url, schema = new URL(url).searchParams.get('schema') ?? undefined) {
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

/** The error log line of a failed one-shot command, worded like the native engine's. */
function connectionError(e, url) {
	const error_code = prismaErrorCode(e);
	const { hostname, port } = url ? new URL(url) : {};
	const at = `\`${hostname}:${port || 5432}\``;
	const db = url && `\`${databaseName(url)}\``;
	const message = {
		P1000: `Authentication failed against database server at ${at}: ${e.message}`,
		P1001: `Can't reach database server at ${at}\n\nPlease make sure your database server is running at ${at}.`,
		P1003: `Database ${db} does not exist on the database server at ${at}.`,
		P1009: `Database ${db} already exists on the database server at ${at}`
	}[error_code];
	const fields = { error_code, message: message ?? String(e?.message ?? e) };
	return JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields });
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
		else throw new Error(`Unknown cli command: ${cliCommand}`);
		process.exit(0);
	} catch (e) {
		process.stderr.write(connectionError(e, url));
		process.exit(1);
	}
}

// ---------------------------------------------------------------- the WebAssembly engine
const { PrismaPg } = await import(require.resolve('@prisma/adapter-pg'));
const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = await import(
	require.resolve('@prisma/driver-adapter-utils')
);

// Workaround (1): adapter-pg cannot deserialize Postgres's internal "char" type (OID 18), which
// the engine's catalog queries return (pg_constraint.contype, ...). Present such columns to the
// adapter as text, then tell the engine they are single characters, which is what it expects.
// Patched on the class shared by adapters and their transactions, once.
function patchCharColumns(adapter) {
	const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter));
	if (queryable.charColumnsPatched) return;
	const { performIO, queryRaw } = queryable;
	queryable.performIO = async function (query) {
		const result = await performIO.call(this, query);
		const charColumns = [];
		result?.fields?.forEach((field, i) => {
			if (field.dataTypeID !== 18) return;
			field.dataTypeID = 25;
			charColumns.push(i);
		});
		// `rows` is passed through unchanged into queryRaw's result: let it carry the list.
		if (charColumns.length) result.rows.charColumns = charColumns;
		return result;
	};
	queryable.queryRaw = async function (query) {
		const result = await queryRaw.call(this, query);
		for (const i of result.rows.charColumns ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
		return result;
	};
	queryable.charColumnsPatched = true;
}

// Workaround (3): adapter-pg's executeScript splits the script on `;` and runs the pieces one by
// one, which breaks string literals and $$ bodies containing `;` and leaves a failed migration
// half-applied. A multi-statement simple query runs as one implicit transaction, like the
// native engine does.
function fixAdapter(adapter) {
	patchCharColumns(adapter);
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
			const where = (url) => `${new URL(url).host}/${databaseName(url)}`;
			if (where(this.shadowUrl) === where(this.url))
				throw new Error(
					'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.'
				);
			// The migrations target the main database's schema: start from an empty one of that name.
			const schema = this.schema ?? 'public';
			await withClient(this.shadowUrl, (c) =>
				c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)}`)
			);
			const { config } = pgConfig(this.shadowUrl, schema);
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
				// After an engine panic a client may never be released, and end() would wait forever;
				// DROP ... WITH (FORCE) then closes it.
				await Promise.race([endPool(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
				await withClient(this.url, (c) =>
					c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
				);
			})().finally(() => shadowDatabases.delete(adapter)));
		shadowDatabases.add(adapter);
		return adapter;
	}
}

// The wasm glue reports panics through this global; remember the message for the reply.
let panicMessage = null;
/** Where the adapter keeps JS errors that the engine only knows by id. */
let errorRegistry = null;
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => (panicMessage = m) };

// The package entry point uses an ESM wasm import that Node cannot load, so instantiate the
// module ourselves. Exactly once per process: a second instantiation corrupts the glue's state.
async function startEngine() {
	const glue = await import(gluePath);
	const bytes = fs.readFileSync(gluePath.replace(/\.js$/, '.wasm'));
	const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
	glue.__wbg_set_wasm(instance.exports);
	instance.exports.__wbindgen_start();

	const datamodels = datamodelPaths.map((file) => [file, fs.readFileSync(file, 'utf8')]);
	// Unlike the native engine, the wasm one connects on start, whatever the command.
	const url = datasource.url;
	if (!url) throw new Error('This schema engine needs a database URL (datasource.url in prisma.config.ts).');
	const factory = bindMigrationAwareSqlAdapterFactory(
		new EngineAdapterFactory(url, datasource.shadowDatabaseUrl)
	);
	errorRegistry = factory.errorRegistry;
	return glue.SchemaEngine.new(
		{ datamodels: datamodels.length ? datamodels : undefined },
		(line) => line && process.stderr.write(line.endsWith('\n') ? line : line + '\n'),
		factory
	);
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

async function dispatch(engine, method, params = {}) {
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
		default:
			if (typeof engine[method] !== 'function' || method === 'free' || method === 'version')
				throw Object.assign(new Error(`Unknown method: ${method}`), { rpcCode: -32601 });
			return engine[method](params);
	}
}

/** Converts a thrown value into the error object the CLI expects. */
function rpcError(e, method) {
	if (e?.rpcCode) return { code: e.rpcCode, message: e.message };
	const isPanic = e?.panic === true || e instanceof WebAssembly.RuntimeError || panicMessage !== null;
	let message = isPanic ? (panicMessage ?? String(e?.message ?? e)) : String(e?.message ?? e);
	let code = /^P\d{4}$/.test(e?.code) ? e.code : prismaErrorCode(lastDbError ?? e);
	// A JS error thrown inside the adapter (e.g. by connectToShadowDb) reaches the engine only
	// as an id in the adapter's error registry, so the engine's message lacks its text.
	const jsError = errorRegistry?.registeredErrors.find(Boolean)?.error;
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
		// (the CLI shows this one for panics, data.message otherwise)
		message: isPanic ? message : 'An error happened. Check the data field for details.',
		data: { is_panic: isPanic, message, meta: e?.meta ?? null, error_code: code }
	};
}

let enginePromise = null;
let queue = Promise.resolve();
/** The request being worked on, so that a panic escaping the engine can still be answered. */
let current = null;

function reply(id, method, result, e) {
	if (!e) return send({ jsonrpc: '2.0', id, result: result ?? {} });
	const error = rpcError(e, method);
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
		current = msg;
		try {
			const engine = await enginePromise;
			lastDbError = null; // (kept when the engine could not start: it explains why)
			errorRegistry.registeredErrors.length = 0;
			const result = await dispatch(engine, msg.method, msg.params);
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
		if (!(e instanceof WebAssembly.RuntimeError) && panicMessage === null)
			log('ERROR', String(e?.stack ?? e));
		if (current) reply(current.id, current.method, null, { message: String(e?.message ?? e), panic: true });
		else finish(101);
	});

/** Drops leftover shadow databases, flushes stdout, exits (within 5 s, whatever hangs). */
let finishing = false;
async function finish(code = 0) {
	if (finishing) return;
	finishing = true;
	setTimeout(() => process.exit(code), 5_000);
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
// The CLI kills the engine right after closing stdin (and Ctrl-C reaches us too): do not leave a
// shadow database behind.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => finish(0));
