#!/usr/bin/env node
// `npm test`: unit and integration tests (Vitest), then browser tests (Playwright) against the built app,
// and a closing line `N passed, N failed` over both.
//
// Database: TEST_DATABASE_URL (a PostgreSQL server whose user may create databases) when set: every
// test file gets its own database, and the browser tests run on one migrated with `prisma migrate deploy`.
// Otherwise everything runs on the embedded database (PGlite): nothing to install.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const only = (name) => args.length === 0 || args.includes(name);

function run(command, commandArgs, env = {}) {
	const result = spawnSync(command, commandArgs, {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ...env }
	});
	return result.status ?? 1;
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Runs SQL statements one after the other on the server's admin connection. */
async function adminQueries(admin, ...statements) {
	const client = new pg.Client({ connectionString: admin });
	await client.connect();
	try {
		for (const statement of statements) await client.query(statement);
	} finally {
		await client.end();
	}
}

/** A fresh database on the test server for the browser tests, migrated as an operator would. */
async function createE2eDatabase(admin) {
	const name = `podium_e2e_${process.pid}`;
	const dropIt = `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`;
	await adminQueries(admin, dropIt, `CREATE DATABASE "${name}"`);
	const url = new URL(admin);
	url.pathname = `/${name}`;
	const status = run(bin('prisma'), ['migrate', 'deploy'], { DATABASE_URL: url.toString() });
	if (status !== 0) throw new Error('prisma migrate deploy failed on the browser-test database');
	// The server's mail goes to this outbox; the browser tests read sign-in links from it.
	const outbox = mkdtempSync(path.join(tmpdir(), 'podium-e2e-outbox-'));
	return {
		env: { DATABASE_URL: url.toString(), MAIL_OUTBOX_DIR: outbox },
		drop: async () => {
			rmSync(outbox, { recursive: true, force: true });
			await adminQueries(admin, dropIt);
		}
	};
}

function createEmbeddedDatabase() {
	const dir = mkdtempSync(path.join(tmpdir(), 'podium-e2e-'));
	return {
		env: {
			DATABASE_URL: '',
			EMBEDDED_DATABASE_DIR: path.join(dir, 'pglite'),
			MAIL_OUTBOX_DIR: path.join(dir, 'outbox')
		},
		drop: async () => rmSync(dir, { recursive: true, force: true })
	};
}

mkdirSync(results, { recursive: true });
const admin = process.env.TEST_DATABASE_URL?.trim();
console.log(
	`Tests run on ${admin ? 'the PostgreSQL server in TEST_DATABASE_URL' : 'the embedded database (PGlite)'}.`
);
const totals = { passed: 0, failed: 0, skipped: 0 };
let crashed = false;
/** The tests that failed, as `file › name: first line of the error`, repeated after the closing line. */
const failures = [];
const firstLine = (message) =>
	stripVTControlCharacters(String(message ?? ''))
		.trim()
		.split('\n')[0]
		.slice(0, 300);

function vitestFailures(report) {
	return (report.testResults ?? []).flatMap((file) =>
		(file.assertionResults ?? [])
			.filter((test) => test.status === 'failed')
			.map(
				(test) =>
					`${path.relative(root, file.name)} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`
			)
	);
}

/**
 * Playwright's report nests a suite per file, then one per `describe`; a test counts as failed when it did
 * not pass on its first try.
 */
function playwrightFailures(suite, titles = []) {
	const own = (suite.specs ?? []).flatMap((spec) =>
		spec.tests
			.filter((test) => test.status === 'unexpected' || test.status === 'flaky')
			.map((test) => {
				const error = test.results.find((result) => result.status !== 'passed')?.error?.message;
				const name = [...titles, spec.title].join(' › ');
				return `tests/e2e/${spec.file}:${spec.line} › ${name} (${test.status}): ${firstLine(error)}`;
			})
	);
	const nested = (suite.suites ?? []).flatMap((inner) => playwrightFailures(inner, [...titles, inner.title]));
	return [...own, ...nested];
}

if (only('unit')) {
	const file = path.join(results, 'vitest.json');
	rmSync(file, { force: true });
	const status = run(bin('vitest'), [
		'run',
		'--reporter=default',
		'--reporter=json',
		`--outputFile.json=${file}`
	]);
	const report = readJson(file);
	if (report) {
		totals.passed += report.numPassedTests;
		totals.failed += report.numFailedTests;
		totals.skipped += report.numPendingTests + report.numTodoTests;
		failures.push(...vitestFailures(report));
	}
	if (status !== 0 && (!report || report.numFailedTests === 0)) crashed = true;
}

if (only('e2e')) {
	if (!process.env.SKIP_BUILD && run('npm', ['run', 'build', '--silent']) !== 0) {
		console.error('The build failed, so the browser tests could not run.');
		crashed = true;
	} else {
		const database = admin ? await createE2eDatabase(admin) : createEmbeddedDatabase();
		const file = path.join(results, 'playwright.json');
		rmSync(file, { force: true });
		const status = run(bin('playwright'), ['test'], { ...database.env, PLAYWRIGHT_JSON_OUTPUT_NAME: file });
		await database.drop();
		const report = readJson(file);
		if (report) {
			totals.passed += report.stats.expected;
			totals.failed += report.stats.unexpected + (report.stats.flaky ?? 0);
			totals.skipped += report.stats.skipped;
			failures.push(...(report.suites ?? []).flatMap((file) => playwrightFailures(file)));
		}
		if (status !== 0 && (!report || report.stats.unexpected === 0)) crashed = true;
	}
}

writeFileSync(path.join(results, 'summary.json'), JSON.stringify({ ...totals, crashed, failures }));
if (crashed) console.error('A test runner stopped before reporting its results (see above).');
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
for (const failure of failures) console.log(`  failed: ${failure}`);
process.exit(totals.failed > 0 || crashed ? 1 : 0);
