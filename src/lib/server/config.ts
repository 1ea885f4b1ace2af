import path from 'node:path';
import { z } from 'zod';

// Every environment variable the app reads is read here, once, at start-up, and checked: a wrong or
// missing setting stops the app with one sentence per problem instead of failing later, per request.
// README "Configuration" and .env.example list the same variables (tests/unit/config-docs.test.ts).
//
// Plain TypeScript with relative imports only: `npm start` (scripts/serve.mjs) checks the settings with
// it before the first worker starts, and the operator commands run it with Node's type stripping.

/** Where the data lives: a PostgreSQL server (DATABASE_URL) or the embedded PGlite database. */
export type DatabaseTarget = { kind: 'server'; url: string } | { kind: 'embedded'; dir: string };

/** Where mail goes: an SMTP server, or `.eml` files in an outbox folder. */
export type MailSettings =
	{ transport: 'smtp'; url: string; from: string } | { transport: 'outbox'; dir: string; from: string };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
	/** The built app (`npm start`, `node build`) or NODE_ENV=production: the strict rules apply. */
	production: boolean;
	/** The app's public origin, e.g. `https://podium.example.org`: the only source of absolute URLs. */
	origin: string;
	database: DatabaseTarget;
	databasePoolSize: number;
	migrationsDir: string;
	mail: MailSettings;
	signInClientLimit: number;
	logLevel: LogLevel;
	/** The bearer token /metrics asks for; null: /metrics does not exist. */
	metricsToken: string | null;
	/** App processes `npm start` runs. */
	webConcurrency: number;
	/** How often each app process looks for scheduled phase changes and reminders that are due. */
	schedulerIntervalMs: number;
	/** Refuse sign-in for addresses at known disposable-mail domains (BLOCK_DISPOSABLE_EMAIL). */
	blockDisposableEmail: boolean;
	/** Where the project link checks ask: GitHub's REST API and itch.io's pages (`{user}` is the creator). */
	projectChecks: { githubApiUrl: string; githubToken: string | null; itchBaseUrl: string };
	/** The OpenID Connect provider of "Sign in with …"; null: only email sign-in (and codes). */
	oidc: OidcSettings | null;
}

/** An OpenID Connect provider (OIDC_*): all of issuer, client id and secret, or none. */
export interface OidcSettings {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** The provider's name on the button, e.g. "Hack Club". */
	name: string;
}

/** Raised when the settings have problems; `problems` holds one sentence each. */
export class ConfigError extends Error {
	readonly problems: string[];

	// A plain field rather than a parameter property: Node's type stripping does not support those.
	constructor(problems: string[]) {
		super(problems.join(' '));
		this.problems = problems;
	}
}

/** The development origin when ORIGIN is unset: Vite's dev server (`npm run dev`). */
export const DEVELOPMENT_ORIGIN = 'http://localhost:5173';

// An unset variable and an empty one mean the same: `FOO=` in a .env file or a compose file.
const text = z
	.string()
	.optional()
	.transform((value) => (value?.trim() ? value.trim() : undefined));

function whole(name: string, { min, max }: { min: number; max: number }) {
	return text.refine(
		(value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max),
		{ message: `${name} must be a whole number from ${min} to ${max}.` }
	);
}

function address(name: string, schemes: string[], example: string) {
	return text.refine(
		(value) => {
			if (value === undefined) return true;
			if (!URL.canParse(value)) return false;
			return schemes.includes(new URL(value).protocol);
		},
		{ message: `${name} must be a ${schemes.map((s) => `${s}//`).join(' or ')} address, e.g. ${example}.` }
	);
}

const schema = z.object({
	NODE_ENV: text,
	ORIGIN: text,
	PORT: whole('PORT', { min: 1, max: 65535 }),
	HOST: text,
	ADDRESS_HEADER: text.refine((value) => value === undefined || /^[A-Za-z0-9-]+$/.test(value), {
		message: 'ADDRESS_HEADER must be a header name, e.g. X-Forwarded-For.'
	}),
	XFF_DEPTH: whole('XFF_DEPTH', { min: 1, max: 20 }),
	SHUTDOWN_TIMEOUT: whole('SHUTDOWN_TIMEOUT', { min: 0, max: 3600 }),
	KEEP_ALIVE_TIMEOUT: whole('KEEP_ALIVE_TIMEOUT', { min: 1, max: 3600 }),
	BODY_SIZE_LIMIT: text.refine((value) => value === undefined || /^(\d+[KMG]?|Infinity)$/.test(value), {
		message: 'BODY_SIZE_LIMIT must be a number of bytes with an optional K, M or G, e.g. 512K, or Infinity.'
	}),
	WEB_CONCURRENCY: whole('WEB_CONCURRENCY', { min: 1, max: 64 }),
	DATABASE_URL: address(
		'DATABASE_URL',
		['postgresql:', 'postgres:'],
		'postgresql://user:password@db.example.org:5432/podium'
	),
	DATABASE_POOL_SIZE: whole('DATABASE_POOL_SIZE', { min: 1, max: 1000 }),
	EMBEDDED_DATABASE_DIR: text,
	MIGRATIONS_DIR: text,
	SMTP_URL: address('SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:password@mail.example.org:587'),
	MAIL_TRANSPORT: text.refine((value) => value === undefined || value === 'smtp' || value === 'outbox', {
		message: 'MAIL_TRANSPORT must be smtp or outbox.'
	}),
	MAIL_FROM: text.refine((value) => value === undefined || value.includes('@'), {
		message: 'MAIL_FROM must contain an email address, e.g. Podium <podium@example.org>.'
	}),
	MAIL_OUTBOX_DIR: text,
	SIGN_IN_CLIENT_LIMIT: whole('SIGN_IN_CLIENT_LIMIT', { min: 1, max: 1_000_000 }),
	LOG_LEVEL: text.refine(
		(value) => value === undefined || (LOG_LEVELS as readonly string[]).includes(value),
		{
			message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`
		}
	),
	METRICS_TOKEN: text.refine((value) => value === undefined || value.length >= 16, {
		message: 'METRICS_TOKEN must be at least 16 characters long (e.g. the output of `openssl rand -hex 32`).'
	}),
	SCHEDULER_INTERVAL_MS: whole('SCHEDULER_INTERVAL_MS', { min: 100, max: 600_000 }),
	BLOCK_DISPOSABLE_EMAIL: text.refine((value) => value === undefined || /^(true|false|1|0)$/.test(value), {
		message: 'BLOCK_DISPOSABLE_EMAIL must be true or false.'
	}),
	GITHUB_API_URL: address('GITHUB_API_URL', ['https:', 'http:'], 'https://api.github.com'),
	GITHUB_TOKEN: text,
	ITCH_BASE_URL: text.refine(
		(value) =>
			value === undefined || (value.includes('{user}') && URL.canParse(value.replace('{user}', 'u'))),
		{ message: 'ITCH_BASE_URL must be an http(s) address containing {user}, e.g. https://{user}.itch.io.' }
	),
	OIDC_ISSUER: address('OIDC_ISSUER', ['https:', 'http:'], 'https://accounts.example.org'),
	OIDC_CLIENT_ID: text,
	OIDC_CLIENT_SECRET: text,
	OIDC_NAME: text
});

/** The names of every variable the app reads (README "Configuration" lists the same). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

type Settings = z.output<typeof schema>;

/** ORIGIN as an origin, or the sentence that says what is wrong with it. */
function readOrigin(value: string | undefined, production: boolean): string | { problem: string } {
	if (value === undefined) {
		if (!production) return DEVELOPMENT_ORIGIN;
		return {
			problem:
				'ORIGIN is not set: set it to the public address people open, e.g. ORIGIN=https://podium.example.org ' +
				'(form posts are checked against it, and emailed links and QR codes point at it).'
		};
	}
	const url = URL.canParse(value) ? new URL(value) : undefined;
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== value) {
		return {
			problem: `ORIGIN must be just the scheme, host and port of the app, like https://podium.example.org, without a path or a trailing slash; it is "${value}".`
		};
	}
	return url.origin;
}

function readMail(settings: Partial<Settings>, production: boolean): MailSettings | { problem: string } {
	const from = settings.MAIL_FROM ?? 'Podium <podium@localhost>';
	const outbox = {
		transport: 'outbox' as const,
		dir: path.resolve(settings.MAIL_OUTBOX_DIR ?? '.data/outbox'),
		from
	};
	const transport =
		settings.MAIL_TRANSPORT ?? (settings.SMTP_URL ? 'smtp' : production ? undefined : 'outbox');
	if (transport === 'outbox') return outbox;
	if (settings.SMTP_URL) return { transport: 'smtp', url: settings.SMTP_URL, from };
	return {
		problem: settings.MAIL_TRANSPORT
			? 'MAIL_TRANSPORT is smtp but SMTP_URL is not set: set SMTP_URL to your mail server, e.g. smtp://user:password@mail.example.org:587.'
			: 'SMTP_URL is not set, so nobody would get their sign-in mail: set SMTP_URL to your mail server, ' +
				'or set MAIL_TRANSPORT=outbox to write mail as files to MAIL_OUTBOX_DIR on purpose.'
	};
}

/** Whether this process runs the app in production: the built app, or NODE_ENV=production. */
export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
	// Vite replaces import.meta.env.PROD at build time: true in the built app, false under `vite dev`
	// and Vitest; plain Node (operator commands) has no import.meta.env and goes by NODE_ENV.
	const built = typeof import.meta.env === 'object' && import.meta.env.PROD === true;
	return built || env.NODE_ENV?.trim() === 'production';
}

/**
 * Reads and checks the settings in `env`. Throws a ConfigError with one sentence per problem. In
 * production ORIGIN is required, and mail needs SMTP_URL unless MAIL_TRANSPORT=outbox says otherwise.
 */
export function parseConfig(env: NodeJS.ProcessEnv, options: { production?: boolean } = {}): Config {
	const production = options.production ?? isProduction(env);
	// Each variable on its own, so that every problem is reported at once; the rules that combine
	// variables only look at those that are well-formed (no second sentence about the same mistake).
	const problems: string[] = [];
	const settings: Partial<Settings> = {};
	const wrong = new Set<string>();
	for (const [name, field] of Object.entries(schema.shape)) {
		const parsed = field.safeParse(env[name]);
		if (parsed.success) Object.assign(settings, { [name]: parsed.data });
		else {
			wrong.add(name);
			problems.push(...parsed.error.issues.map((issue) => issue.message));
		}
	}

	const origin = readOrigin(settings.ORIGIN, production);
	if (typeof origin !== 'string') problems.push(origin.problem);
	const mail = readMail(settings, production);
	const mailChecked = !['SMTP_URL', 'MAIL_TRANSPORT'].some((name) => wrong.has(name));
	if ('problem' in mail && mailChecked) problems.push(mail.problem);
	const webConcurrency = Number(settings.WEB_CONCURRENCY ?? 1);
	if (webConcurrency > 1 && !settings.DATABASE_URL && !wrong.has('DATABASE_URL')) {
		problems.push(
			`WEB_CONCURRENCY=${webConcurrency} needs DATABASE_URL: the embedded database can only be opened by one process.`
		);
	}
	const issuer = settings.OIDC_ISSUER ? new URL(settings.OIDC_ISSUER) : undefined;
	if (issuer?.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname)) {
		problems.push(
			'OIDC_ISSUER must be an https:// address (plain http only for a provider on this machine).'
		);
	}
	const oidcParts = [settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET];
	if (oidcParts.some((part) => part !== undefined) && oidcParts.some((part) => part === undefined)) {
		problems.push(
			'OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three to offer sign-in with your provider, or none.'
		);
	}
	if (problems.length > 0 || typeof origin !== 'string' || 'problem' in mail) throw new ConfigError(problems);

	const embeddedDir = settings.EMBEDDED_DATABASE_DIR ?? '.data/pglite';
	return {
		production,
		origin,
		database: settings.DATABASE_URL
			? { kind: 'server', url: settings.DATABASE_URL }
			: {
					kind: 'embedded',
					dir: embeddedDir.startsWith('memory://') ? embeddedDir : path.resolve(embeddedDir)
				},
		databasePoolSize: Number(settings.DATABASE_POOL_SIZE ?? 10),
		migrationsDir: path.resolve(settings.MIGRATIONS_DIR ?? 'prisma/migrations'),
		mail,
		signInClientLimit: Number(settings.SIGN_IN_CLIENT_LIMIT ?? 300),
		logLevel: (settings.LOG_LEVEL ?? 'info') as LogLevel,
		metricsToken: settings.METRICS_TOKEN ?? null,
		webConcurrency,
		schedulerIntervalMs: Number(settings.SCHEDULER_INTERVAL_MS ?? 5_000),
		blockDisposableEmail:
			settings.BLOCK_DISPOSABLE_EMAIL === 'true' || settings.BLOCK_DISPOSABLE_EMAIL === '1',
		projectChecks: {
			githubApiUrl: (settings.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
			githubToken: settings.GITHUB_TOKEN ?? null,
			itchBaseUrl: (settings.ITCH_BASE_URL ?? 'https://{user}.itch.io').replace(/\/+$/, '')
		},
		oidc:
			settings.OIDC_ISSUER && settings.OIDC_CLIENT_ID && settings.OIDC_CLIENT_SECRET
				? {
						issuer: settings.OIDC_ISSUER,
						clientId: settings.OIDC_CLIENT_ID,
						clientSecret: settings.OIDC_CLIENT_SECRET,
						name: settings.OIDC_NAME ?? 'your organisation'
					}
				: null
	};
}

let loaded: Config | undefined;

/**
 * The app's settings, read from the environment on first use. Start-up (src/hooks.server.ts, and
 * scripts/serve.mjs before it) has already reported any ConfigError and stopped.
 */
export function config(): Config {
	loaded ??= parseConfig(process.env);
	return loaded;
}

/** The settings, or null when they have problems (for code that must run before they are reported). */
export function configOrNull(): Config | null {
	try {
		return config();
	} catch (error) {
		if (error instanceof ConfigError) return null;
		throw error;
	}
}

/** The app's public URL of `pathname` (with `search`): links in mail, QR codes, join links. */
export function publicUrl(pathname: string): string {
	return new URL(pathname, config().origin).toString();
}
