import { deserialize } from '$app/forms';
import { m } from '$lib/paraglide/messages';
import type { ActionResult } from '@sveltejs/kit';
import { isPassingFailure, parseRetryAfter, retryDelay } from './retry';
import { stampBallot, type UnsentBallot, type UnsentBallotSlot } from './unsent';

// The ballot page's outbox: a ballot stays here (and in the browser's storage) until the server has given
// its final word on it. A send that fails in passing (no connection, a timeout, a restarting server, a
// database outage) is tried again with backoff, honouring Retry-After, and at once when the browser is
// back online; a refusal by the rules is final and handed to the page to show. Every try carries the same
// stamp, so the server applies the ballot once however many copies reach it.

// A ballot is a few hundred bytes: past this, the connection is as good as gone, and a retry with the same
// stamp is harmless even if this one got through.
const SEND_TIMEOUT_MS = 20_000;

/** Where the ballot stands, for the voter to see. */
export type Delivery =
	| { state: 'idle' }
	| { state: 'sending' }
	/** Not sent yet: the next try is due at `retryAt` (ms since the epoch). */
	| { state: 'waiting'; retryAt: number }
	| { state: 'saved'; at: Date }
	| { state: 'refused' };

type KeyValues = Parameters<typeof stampBallot>[0];

interface Options {
	/** Where the ballot form posts. */
	action: string;
	storage: KeyValues;
	/** Where this person's unsent ballot for this event is kept. */
	slot: UnsentBallotSlot;
	/** Shows the server's final answer: saved, refused, or a redirect (signed out meanwhile). */
	onAnswer: (result: ActionResult) => Promise<void> | void;
}

type Answer = { final: ActionResult } | { final?: never; retryAfterMs?: number };

export class BallotOutbox {
	delivery = $state<Delivery>({ state: 'idle' });
	online = $state(true);
	/** The ballot the server has not confirmed yet, if any. */
	unsent = $state<UnsentBallot | null>(null);

	#options: Options;
	#failures = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#request: AbortController | undefined;

	constructor(options: Options) {
		this.#options = options;
	}

	/**
	 * Follows the connection and sends again the ballot an earlier visit left unsent (then in `unsent`, for
	 * the page to show its picks). Returns the function that stops it all.
	 */
	connect(): () => void {
		this.online = navigator.onLine;
		const online = () => {
			this.online = true;
			if (this.delivery.state === 'waiting') void this.#deliver();
		};
		const offline = () => (this.online = false);
		// Phones slow down timers in the background: a voter coming back to the page should not wait.
		const visible = () => {
			if (document.visibilityState === 'visible' && this.delivery.state === 'waiting') void this.#deliver();
		};
		window.addEventListener('online', online);
		window.addEventListener('offline', offline);
		document.addEventListener('visibilitychange', visible);
		this.unsent = this.#options.slot.load();
		if (this.unsent) void this.#deliver();
		return () => {
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
			document.removeEventListener('visibilitychange', visible);
			clearTimeout(this.#timer);
			this.#request?.abort();
			this.#request = undefined;
		};
	}

	/** Sends a new ballot; it replaces any ballot still unsent. */
	send(picks: string[]) {
		const ballot = stampBallot(this.#options.storage, picks);
		this.#options.slot.save(ballot);
		this.unsent = ballot;
		this.#failures = 0;
		void this.#deliver();
	}

	/** Tries the unsent ballot now rather than when its retry is due. */
	retryNow() {
		if (this.unsent) void this.#deliver();
	}

	async #deliver() {
		const ballot = this.unsent;
		if (!ballot) return;
		clearTimeout(this.#timer);
		this.#request?.abort();
		const request = new AbortController();
		this.#request = request;
		this.delivery = { state: 'sending' };
		const timeout = setTimeout(() => request.abort(), SEND_TIMEOUT_MS);
		const answer = await post(this.#options.action, ballot, request.signal);
		clearTimeout(timeout);
		// A newer ballot, or leaving the page, took over: this answer is nobody's any more.
		if (this.#request !== request) return;
		this.#request = undefined;

		if (!answer.final) {
			this.#failures += 1;
			const delay = retryDelay(this.#failures, answer.retryAfterMs);
			this.delivery = { state: 'waiting', retryAt: Date.now() + delay };
			this.#timer = setTimeout(() => void this.#deliver(), delay);
			return;
		}
		const result = answer.final;
		this.#failures = 0;
		if (result.type === 'redirect') {
			// Signed out meanwhile: the ballot stays kept, and goes when the person is back on this page.
			this.delivery = { state: 'idle' };
		} else {
			this.#options.slot.clear();
			this.unsent = null;
			this.delivery =
				result.type === 'success' ? { state: 'saved', at: savedAtOf(result) } : { state: 'refused' };
		}
		await this.#options.onAnswer(result);
	}
}

/** Posts a ballot the way use:enhance posts a form, and sorts the answer into final or worth a retry. */
async function post(action: string, ballot: UnsentBallot, signal: AbortSignal): Promise<Answer> {
	const body = new URLSearchParams([
		...ballot.picks.map((id) => ['project', id]),
		['device', ballot.device],
		['seq', String(ballot.seq)],
		['key', ballot.key]
	]);
	let response: Response;
	let text: string;
	try {
		response = await fetch(action, {
			method: 'POST',
			headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
			body,
			cache: 'no-store',
			signal
		});
		text = await response.text();
	} catch {
		return {}; // no connection, or it dropped, or the timeout
	}
	if (isPassingFailure(response.status)) {
		return { retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
	}
	let result: ActionResult | undefined;
	try {
		result = deserialize(text);
	} catch {
		result = undefined;
	}
	if (typeof result?.type !== 'string') {
		// Not the app's answer: a 200 is a captive portal's sign-in page (try again once past it), an
		// error status a proxy's refusal.
		return response.status < 400 ? {} : { final: refusal(response.status, m.vote_unreadable()) };
	}
	// An error page in place of the ballot is what lost the picks before: show the message beside them.
	if (result.type === 'error') return { final: refusal(response.status, result.error?.message) };
	return { final: result };
}

function refusal(status: number, message: string | undefined): ActionResult {
	return { type: 'failure', status, data: { message: message || m.vote_unreadable() } };
}

function savedAtOf(result: Extract<ActionResult, { type: 'success' }>): Date {
	const at = result.data?.savedAt;
	return at instanceof Date ? at : new Date();
}
