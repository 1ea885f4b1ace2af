import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { Prisma } from './generated/prisma/client.ts';

/**
 * A request the rules of the domain refuse: wrong phase, not an attendee, not the owner, ... The message
 * is written for the person who made the request; nothing has been changed when it is thrown.
 */
export class RuleViolation extends Error {
	readonly status: 400 | 403 | 404 | 409 | 429;
	/** A short code for pages that say more than the message (e.g. `voting-closed`: a link to the results). */
	readonly reason?: string;

	// Plain fields rather than parameter properties: operator commands run this file with Node's type
	// stripping, which does not support those.
	constructor(message: string, status: 400 | 403 | 404 | 409 | 429 = 400, reason?: string) {
		super(message);
		this.status = status;
		this.reason = reason;
	}
}

/** Whether a database error is a unique-constraint violation (Prisma's P2002). */
export function isUniqueViolation(error: unknown): boolean {
	return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * For loads and endpoints: a RuleViolation becomes the error page, with its status and message, and
 * whatever `explain` adds for its reason (a headline, the next step, where to go).
 */
export async function orError<T>(
	work: Promise<T>,
	explain?: (reason: string | undefined) => Omit<App.Error, 'message'> | undefined
): Promise<T> {
	try {
		return await work;
	} catch (e) {
		if (e instanceof RuleViolation)
			error(e.status, { message: e.message, reason: e.reason, ...explain?.(e.reason) });
		throw e;
	}
}

/**
 * Runs a server function for a form action: a RuleViolation becomes `failure`, a `fail(status, { message,
 * values })` that shows the message and refills the form; anything else goes on to handleError.
 */
export async function attempt<T, V extends Record<string, unknown>>(
	work: Promise<T>,
	values?: V
): Promise<
	{ value: T; failure?: never } | { failure: ActionFailure<{ message: string; values?: V; reason?: string }> }
> {
	try {
		return { value: await work };
	} catch (error) {
		// The reason lets a page say more than the message (e.g. a link to the profile for the PII gate).
		if (error instanceof RuleViolation)
			return { failure: fail(error.status, { message: error.message, values, reason: error.reason }) };
		throw error;
	}
}
