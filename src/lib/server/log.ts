import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream } from 'pino';
import { configOrNull, isProduction } from './config.ts';

// One logger for the app: JSON lines on stdout in production (one object per line, for the log
// collector), short readable lines in development. Every line written while a request is handled
// carries that request's id (see src/hooks.server.ts), without passing a logger around.

interface RequestContext {
	requestId: string;
	/** Why the request was refused (a client error), for its access line. */
	refusal?: string;
}

const requests = new AsyncLocalStorage<RequestContext>();

/** Runs `work` as part of the request `requestId`: everything it logs carries that id. */
export function inRequest<T>(requestId: string, work: () => T): T {
	return requests.run({ requestId }, work);
}

/** Notes why the request being handled was refused; false when no request is being handled. */
export function noteRefusal(message: string): boolean {
	const context = requests.getStore();
	if (!context) return false;
	context.refusal = message;
	return true;
}

/** Why the request being handled was refused, if it was. */
export function currentRefusal(): string | undefined {
	return requests.getStore()?.refusal;
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
	return requests.getStore()?.requestId;
}

// A sane id from a proxy: short, and nothing that could break a log line or a header.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request's id: the proxy's `x-request-id` when it looks sane, else a new one. */
export function requestIdOf(request: Request): string {
	const given = request.headers.get('x-request-id');
	return given && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** Development: `12:03:04 INFO  message key=value …`, with an error's stack below it. */
function readableLines(): DestinationStream {
	return {
		write(line: string) {
			// pid and hostname say nothing on a developer's machine.
			const { time, level, msg, err, ...rest } = JSON.parse(line);
			delete rest.pid;
			delete rest.hostname;
			const when = new Date(time).toTimeString().slice(0, 8);
			const fields = Object.entries(rest)
				.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
				.join(' ');
			const label = String(level).toUpperCase().padEnd(5);
			const stack = err?.stack ? `\n${err.stack}` : '';
			process.stdout.write(`${when} ${label} ${msg ?? ''}${fields ? ` ${fields}` : ''}${stack}\n`);
		}
	};
}

const settings = configOrNull();

/** The app's logger (pino). LOG_LEVEL sets what it writes. */
export const log = pino(
	{
		level: settings?.logLevel ?? 'info',
		timestamp: pino.stdTimeFunctions.isoTime,
		// "level":"warn" rather than 40: the log is read by people as well as by collectors.
		formatters: { level: (label) => ({ level: label }) },
		mixin: () => {
			const requestId = currentRequestId();
			return requestId ? { requestId } : {};
		},
		// Defence in depth: nothing logs these, and if something ever did, the value is not written.
		redact: {
			paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization'],
			censor: '[redacted]'
		}
	},
	(settings?.production ?? isProduction()) ? undefined : readableLines()
);
