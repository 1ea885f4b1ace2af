import { CheckTimeoutError, PrivateAddressError, describeTimeout, fetchWithin } from './http.ts';
import type { CheckContext, CheckOutcome, LinkCheck } from './types.ts';

function timedOut(what: string, context: CheckContext): CheckOutcome {
	return {
		status: 'warning',
		message: `${what} did not answer within ${describeTimeout(context.timeoutMs)}; it will be checked again on the next save or "Check again".`
	};
}

async function checkAnswers(link: string, context: CheckContext): Promise<CheckOutcome> {
	try {
		const { response } = await fetchWithin(link, {
			method: 'GET',
			headers: { 'user-agent': 'Podium project checks', accept: 'text/html,*/*' },
			timeoutMs: context.timeoutMs,
			guardPrivate: !context.allowPrivateAddresses
		});
		// Only the status matters: the body is not read.
		await response.body?.cancel();
		if (response.status === 429) {
			return {
				status: 'warning',
				message: 'The demo site asked us to slow down (HTTP 429); it was not checked.'
			};
		}
		if (response.status >= 400) {
			return { status: 'invalid', message: `The demo link answers with an error (HTTP ${response.status}).` };
		}
		return { status: 'valid', message: 'The demo link answers.' };
	} catch (error) {
		if (error instanceof CheckTimeoutError) return timedOut('The demo link', context);
		if (error instanceof PrivateAddressError) {
			return { status: 'invalid', message: 'The demo link points at a private or local address.' };
		}
		return {
			status: 'invalid',
			message: 'The demo link could not be reached (no such host, or it refused).'
		};
	}
}

/** creator/game of a `https://creator.itch.io/game` link, else null. */
export function parseItchGame(link: string): { user: string; game: string } | null {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		return null;
	}
	const host = /^([a-z0-9][a-z0-9-]*)\.itch\.io$/i.exec(url.hostname);
	const parts = url.pathname.split('/').filter(Boolean);
	if (url.protocol !== 'https:' || !host || parts.length !== 1 || !/^[A-Za-z0-9_-]+$/.test(parts[0])) {
		return null;
	}
	return { user: host[1].toLowerCase(), game: parts[0] };
}

// What itch.io puts on a game page with a web build: the frame the game runs in, or the placeholder
// that loads it when "Run game" is pressed.
const BROWSER_PLAYABLE = /id="html_embed_\d+"|class="[^"]*\b(?:game_frame|iframe_placeholder)\b/;

async function checkItchPlayable(link: string, context: CheckContext): Promise<CheckOutcome> {
	const game = parseItchGame(link);
	if (!game) {
		return {
			status: 'invalid',
			message: 'The demo link must be an itch.io game page, like https://creator.itch.io/game.'
		};
	}
	const page = `${context.itchBaseUrl.replace('{user}', game.user)}/${game.game}`;
	try {
		const answer = await fetchWithin(page, {
			headers: { 'user-agent': 'Podium project checks', accept: 'text/html' },
			timeoutMs: context.timeoutMs,
			guardPrivate: false
		});
		const { status } = answer.response;
		if (status === 429 || status === 403) {
			await answer.response.body?.cancel();
			return {
				status: 'warning',
				message: 'itch.io asked us to slow down; the game page will be checked again later.'
			};
		}
		if (status === 404) {
			await answer.response.body?.cancel();
			return { status: 'invalid', message: 'That itch.io game page does not exist (or is not public).' };
		}
		if (status !== 200) {
			await answer.response.body?.cancel();
			return {
				status: 'warning',
				message: `itch.io answered with HTTP ${status}; the game page was not checked.`
			};
		}
		const html = await answer.text();
		if (BROWSER_PLAYABLE.test(html)) {
			return { status: 'valid', message: 'The itch.io page can be played in the browser.' };
		}
		return {
			status: 'invalid',
			message: 'The itch.io page has no game to play in the browser: upload a web (HTML5) build.'
		};
	} catch (error) {
		if (error instanceof CheckTimeoutError) return timedOut('itch.io', context);
		return { status: 'warning', message: 'itch.io could not be reached; the game page was not checked.' };
	}
}

export const demoAnswers: LinkCheck = {
	id: 'answers',
	label: 'must answer',
	link: 'demo',
	run: checkAnswers
};

export const itchPlayable: LinkCheck = {
	id: 'itch_playable',
	label: 'must be an itch.io page playable in the browser',
	link: 'demo',
	run: checkItchPlayable
};
