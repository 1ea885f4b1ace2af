import { CheckTimeoutError, PrivateAddressError, fetchWithin, timeoutSeconds } from './http.ts';
import type { CheckContext, CheckOutcome, LinkCheck } from './types.ts';
import { m } from '../../paraglide/messages.js';

function timedOut(message: typeof m.server_check_demo_timeout, context: CheckContext): CheckOutcome {
	return { status: 'warning', message: message({ seconds: timeoutSeconds(context.timeoutMs) }) };
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
				message: m.server_check_demo_slow_down()
			};
		}
		if (response.status >= 400) {
			return { status: 'invalid', message: m.server_check_demo_error({ status: response.status }) };
		}
		return { status: 'valid', message: m.server_check_demo_ok() };
	} catch (error) {
		if (error instanceof CheckTimeoutError) return timedOut(m.server_check_demo_timeout, context);
		if (error instanceof PrivateAddressError) {
			return { status: 'invalid', message: m.server_check_demo_private() };
		}
		return {
			status: 'invalid',
			message: m.server_check_demo_unreachable()
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
			message: m.server_check_itch_url()
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
				message: m.server_check_itch_slow_down()
			};
		}
		if (status === 404) {
			await answer.response.body?.cancel();
			return { status: 'invalid', message: m.server_check_itch_missing() };
		}
		if (status !== 200) {
			await answer.response.body?.cancel();
			return {
				status: 'warning',
				message: m.server_check_itch_http({ status })
			};
		}
		const html = await answer.text();
		if (BROWSER_PLAYABLE.test(html)) {
			return { status: 'valid', message: m.server_check_itch_ok() };
		}
		return {
			status: 'invalid',
			message: m.server_check_itch_no_web()
		};
	} catch (error) {
		if (error instanceof CheckTimeoutError) return timedOut(m.server_check_itch_timeout, context);
		return { status: 'warning', message: m.server_check_itch_unreachable() };
	}
}

export const demoAnswers: LinkCheck = {
	id: 'answers',
	get label() {
		return m.server_check_label_answers();
	},
	link: 'demo',
	run: checkAnswers
};

export const itchPlayable: LinkCheck = {
	id: 'itch_playable',
	get label() {
		return m.server_check_label_itch();
	},
	link: 'demo',
	run: checkItchPlayable
};
