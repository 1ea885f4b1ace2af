import { fail, redirect, type ActionFailure } from '@sveltejs/kit';
import { createHash, randomBytes } from 'node:crypto';
import { db } from './db.ts';
import { m } from '../paraglide/messages.js';

/** The hidden field that carries a rendered form's one-time token (see src/lib/components/FormToken.svelte). */
export const FORM_TOKEN_FIELD = 'formToken';

/** How long a sent form is remembered: a repeat after that (a tab left open for days) is a new form. */
export const FORM_SUBMISSION_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a repeat waits for the first post of the same form to finish before giving up. */
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 50;

/** A new one-time token for one rendered create or join form (random, 128 bits; nothing is stored yet). */
export function newFormToken(): string {
	return randomBytes(16).toString('base64url');
}

type Values = Record<string, string | string[]>;
type Outcome<F extends Record<string, unknown>> = string | ActionFailure<F>;

/**
 * Runs a create or join action once per sent form and redirects (303) to the place it returns. A second
 * post of the same form (same token, person, action and values: a double tap, with or without JavaScript)
 * does not run it again: it waits for the first and is sent to the same place. A failure (bad input, a
 * rule) frees the form to be sent again. A post without a token (a script, a page rendered before this
 * existed) simply runs: the token protects people from their own double taps, it is not an access check.
 */
export async function redirectOnce<F extends Record<string, unknown> = never>(
	event: { route: { id: string | null }; url: URL },
	userId: string,
	values: Values,
	run: () => Promise<Outcome<F>>
): Promise<ActionFailure<F> | ActionFailure<{ message: string }>> {
	const token = values[FORM_TOKEN_FIELD];
	if (typeof token !== 'string' || token === '') return follow(await run());
	const key = submissionKey(token, userId, `${event.route.id}${event.url.search}`, values);

	// Usually one round: claimed, or the first post's answer. Another round only when the first post
	// failed meanwhile (and freed the form), so this one tries itself and shows its own answer.
	for (let round = 0; round < 3; round++) {
		if (await claim(key)) return follow(await runClaimed(key, run));
		const earlier = await waitForFirst(key);
		if (earlier === 'pending') break;
		if (earlier !== 'freed') redirect(303, earlier);
	}
	return fail(409, {
		message: m.server_form_sent_already()
	});
}

async function runClaimed<F extends Record<string, unknown>>(key: string, run: () => Promise<Outcome<F>>) {
	let outcome: Outcome<F>;
	try {
		outcome = await run();
	} catch (error) {
		// Nothing to send a repeat to (an unexpected error, or a redirect `run` threw itself): free the form.
		await release(key);
		throw error;
	}
	if (typeof outcome === 'string') {
		await db.formSubmission.update({ where: { key }, data: { location: outcome } });
	} else {
		await release(key);
	}
	return outcome;
}

function follow<F extends Record<string, unknown>>(outcome: Outcome<F>): ActionFailure<F> {
	if (typeof outcome === 'string') redirect(303, outcome);
	return outcome;
}

/** The row's key: a hash, so the table holds neither tokens nor what people typed. */
function submissionKey(token: string, userId: string, action: string, values: Values): string {
	const sent = Object.keys(values)
		.filter((name) => name !== FORM_TOKEN_FIELD)
		.sort()
		.map((name) => [name, values[name]]);
	return createHash('sha256')
		.update(JSON.stringify([token, userId, action, sent]))
		.digest('hex');
}

/** Records the first post of a form; false when it was recorded already (by this or another instance). */
async function claim(key: string): Promise<boolean> {
	const { count } = await db.formSubmission.createMany({ data: [{ key }], skipDuplicates: true });
	if (count === 1) await pruneFormSubmissions();
	return count === 1;
}

async function release(key: string) {
	await db.formSubmission.deleteMany({ where: { key, location: null } });
}

/** Where the first post of the form led, 'freed' if it failed, or 'pending' if it takes too long. */
async function waitForFirst(key: string): Promise<string | 'freed' | 'pending'> {
	const deadline = Date.now() + WAIT_FOR_FIRST_MS;
	for (;;) {
		const row = await db.formSubmission.findUnique({ where: { key }, select: { location: true } });
		if (!row) return 'freed';
		if (row.location !== null) return row.location;
		if (Date.now() >= deadline) return 'pending';
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

/** Deletes sent forms older than FORM_SUBMISSION_TTL_MS (run as new ones come in; one indexed range). */
export async function pruneFormSubmissions(now = new Date()): Promise<number> {
	const { count } = await db.formSubmission.deleteMany({
		where: { createdAt: { lt: new Date(now.getTime() - FORM_SUBMISSION_TTL_MS) } }
	});
	return count;
}
