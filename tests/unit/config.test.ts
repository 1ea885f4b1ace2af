import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_ORIGIN, parseConfig } from '../../src/lib/server/config';

/** The sentences parseConfig refuses `env` with (none: it accepted it). */
function problemsOf(env: NodeJS.ProcessEnv, production?: boolean): string[] {
	try {
		parseConfig(env, production === undefined ? {} : { production });
		return [];
	} catch (error) {
		if (error instanceof ConfigError) return error.problems;
		throw error;
	}
}

const PRODUCTION = { ORIGIN: 'https://podium.example.org', SMTP_URL: 'smtp://mail.example.org:587' };

describe('parseConfig in development', () => {
	it('needs no settings at all', () => {
		const config = parseConfig({}, { production: false });
		expect(config).toMatchObject({
			production: false,
			origin: DEVELOPMENT_ORIGIN,
			database: { kind: 'embedded', dir: path.resolve('.data/pglite') },
			databasePoolSize: 10,
			mail: { transport: 'outbox', dir: path.resolve('.data/outbox'), from: 'Podium <podium@localhost>' },
			signInClientLimit: 300,
			logLevel: 'info',
			metricsToken: null,
			webConcurrency: 1
		});
	});

	it('reads every setting it is given, empty ones as unset', () => {
		const config = parseConfig(
			{
				ORIGIN: 'http://127.0.0.1:4173',
				DATABASE_URL: 'postgresql://u:p@db:5432/podium',
				DATABASE_POOL_SIZE: '25',
				EMBEDDED_DATABASE_DIR: '',
				SMTP_URL: 'smtps://u:p@mail.example.org',
				MAIL_FROM: 'Hack Club <podium@hackclub.com>',
				SIGN_IN_CLIENT_LIMIT: '900',
				LOG_LEVEL: 'debug',
				METRICS_TOKEN: ' 0123456789abcdef ',
				WEB_CONCURRENCY: '4'
			},
			{ production: false }
		);
		expect(config).toMatchObject({
			origin: 'http://127.0.0.1:4173',
			database: { kind: 'server', url: 'postgresql://u:p@db:5432/podium' },
			databasePoolSize: 25,
			mail: {
				transport: 'smtp',
				url: 'smtps://u:p@mail.example.org',
				from: 'Hack Club <podium@hackclub.com>'
			},
			signInClientLimit: 900,
			logLevel: 'debug',
			metricsToken: '0123456789abcdef',
			webConcurrency: 4
		});
	});

	it('keeps memory:// embedded databases as they are', () => {
		expect(parseConfig({ EMBEDDED_DATABASE_DIR: 'memory://' }, { production: false }).database).toEqual({
			kind: 'embedded',
			dir: 'memory://'
		});
	});
});

describe('parseConfig in production', () => {
	it('accepts ORIGIN and SMTP_URL', () => {
		const config = parseConfig(PRODUCTION, { production: true });
		expect(config.origin).toBe('https://podium.example.org');
		expect(config.mail.transport).toBe('smtp');
	});

	it('requires ORIGIN and SMTP_URL, one sentence each', () => {
		expect(problemsOf({}, true)).toEqual([
			'ORIGIN is not set: set it to the public address people open, e.g. ORIGIN=https://podium.example.org (form posts are checked against it, and emailed links and QR codes point at it).',
			'SMTP_URL is not set, so nobody would get their sign-in mail: set SMTP_URL to your mail server, or set MAIL_TRANSPORT=outbox to write mail as files to MAIL_OUTBOX_DIR on purpose.'
		]);
	});

	it('writes mail to the outbox only when MAIL_TRANSPORT=outbox says so', () => {
		const config = parseConfig(
			{ ORIGIN: PRODUCTION.ORIGIN, MAIL_TRANSPORT: 'outbox', MAIL_OUTBOX_DIR: '/srv/outbox' },
			{ production: true }
		);
		expect(config.mail).toEqual({
			transport: 'outbox',
			dir: '/srv/outbox',
			from: 'Podium <podium@localhost>'
		});
		expect(problemsOf({ ORIGIN: PRODUCTION.ORIGIN, MAIL_TRANSPORT: 'smtp' }, true)).toEqual([
			'MAIL_TRANSPORT is smtp but SMTP_URL is not set: set SMTP_URL to your mail server, e.g. smtp://user:password@mail.example.org:587.'
		]);
	});

	it('NODE_ENV=production means production when not told otherwise', () => {
		expect(problemsOf({ NODE_ENV: 'production' })).toHaveLength(2);
		expect(() => parseConfig({ NODE_ENV: 'production', ...PRODUCTION })).not.toThrow();
		expect(parseConfig({}).production).toBe(false);
	});
});

describe('parseConfig problems', () => {
	it.each([
		['https://podium.example.org/', 'ORIGIN must be just the scheme, host and port of the app'],
		['https://podium.example.org/podium', 'ORIGIN must be just the scheme, host and port of the app'],
		['podium.example.org', 'ORIGIN must be just the scheme, host and port of the app'],
		['ftp://podium.example.org', 'ORIGIN must be just the scheme, host and port of the app']
	])('ORIGIN=%s is refused', (origin, sentence) => {
		for (const production of [true, false]) {
			const problems = problemsOf({ ...PRODUCTION, ORIGIN: origin }, production);
			expect(problems).toHaveLength(1);
			expect(problems[0]).toContain(sentence);
			expect(problems[0]).toContain(`"${origin}"`);
		}
	});

	it('reports every malformed variable at once, one sentence each', () => {
		const problems = problemsOf(
			{
				ORIGIN: PRODUCTION.ORIGIN,
				PORT: '70000',
				XFF_DEPTH: 'two',
				SHUTDOWN_TIMEOUT: '-1',
				KEEP_ALIVE_TIMEOUT: '65s',
				BODY_SIZE_LIMIT: '1 MB',
				ADDRESS_HEADER: 'X Forwarded For',
				WEB_CONCURRENCY: '0',
				DATABASE_URL: 'mysql://db/podium',
				DATABASE_POOL_SIZE: 'many',
				SMTP_URL: 'http://mail',
				MAIL_TRANSPORT: 'pigeon',
				MAIL_FROM: 'Podium',
				SIGN_IN_CLIENT_LIMIT: '0',
				LOG_LEVEL: 'loud',
				METRICS_TOKEN: 'secret'
			},
			true
		);
		expect(problems).toEqual([
			'PORT must be a whole number from 1 to 65535.',
			'ADDRESS_HEADER must be a header name, e.g. X-Forwarded-For.',
			'XFF_DEPTH must be a whole number from 1 to 20.',
			'SHUTDOWN_TIMEOUT must be a whole number from 0 to 3600.',
			'KEEP_ALIVE_TIMEOUT must be a whole number from 1 to 3600.',
			'BODY_SIZE_LIMIT must be a number of bytes with an optional K, M or G, e.g. 512K, or Infinity.',
			'WEB_CONCURRENCY must be a whole number from 1 to 64.',
			'DATABASE_URL must be a postgresql:// or postgres:// address, e.g. postgresql://user:password@db.example.org:5432/podium.',
			'DATABASE_POOL_SIZE must be a whole number from 1 to 1000.',
			'SMTP_URL must be a smtp:// or smtps:// address, e.g. smtp://user:password@mail.example.org:587.',
			'MAIL_TRANSPORT must be smtp or outbox.',
			'MAIL_FROM must contain an email address, e.g. Podium <podium@example.org>.',
			'SIGN_IN_CLIENT_LIMIT must be a whole number from 1 to 1000000.',
			'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.',
			'METRICS_TOKEN must be at least 16 characters long (e.g. the output of `openssl rand -hex 32`).'
		]);
	});

	it('refuses several processes on the embedded database', () => {
		expect(problemsOf({ WEB_CONCURRENCY: '2' }, false)).toEqual([
			'WEB_CONCURRENCY=2 needs DATABASE_URL: the embedded database can only be opened by one process.'
		]);
		expect(problemsOf({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgresql://db/podium' }, false)).toEqual([]);
	});

	it('reads the scheduler interval, 5 s unless told, within 100 ms and 10 minutes', () => {
		expect(parseConfig({}, { production: false }).schedulerIntervalMs).toBe(5_000);
		expect(parseConfig({ SCHEDULER_INTERVAL_MS: '250' }, { production: false }).schedulerIntervalMs).toBe(
			250
		);
		expect(problemsOf({ SCHEDULER_INTERVAL_MS: '50' }, false)).toEqual([
			'SCHEDULER_INTERVAL_MS must be a whole number from 100 to 600000.'
		]);
	});

	it('says nothing twice: a malformed SMTP_URL is not also "not set"', () => {
		expect(problemsOf({ ORIGIN: PRODUCTION.ORIGIN, SMTP_URL: 'mail.example.org' }, true)).toEqual([
			'SMTP_URL must be a smtp:// or smtps:// address, e.g. smtp://user:password@mail.example.org:587.'
		]);
	});
});
