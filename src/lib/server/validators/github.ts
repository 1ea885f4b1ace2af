import { CheckTimeoutError, fetchWithin, timeoutSeconds } from './http.ts';
import type { CheckContext, CheckOutcome, LinkCheck } from './types.ts';
import { m } from '../../paraglide/messages.js';

// GitHub allows 60 API requests an hour per server address without a token, 5,000 with one. Once it
// says the budget is spent (x-ratelimit-remaining: 0, or a 403/429), this process asks nothing more
// until x-ratelimit-reset: every project checked meanwhile gets a warning, not a verdict.

const blockedUntil = new Map<string, number>();

/** owner/name of a `https://github.com/owner/name` link (a trailing `.git` or `/` is fine), else null. */
export function parseGitHubRepo(link: string): { owner: string; repo: string } | null {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		return null;
	}
	if (url.protocol !== 'https:' || !['github.com', 'www.github.com'].includes(url.hostname)) return null;
	const parts = url.pathname.split('/').filter(Boolean);
	if (parts.length !== 2) return null;
	const [owner, repo] = [parts[0], parts[1].replace(/\.git$/, '')];
	if (!/^[A-Za-z0-9-]{1,39}$/.test(owner) || !/^[A-Za-z0-9._-]{1,100}$/.test(repo)) return null;
	return { owner, repo };
}

function rateLimited(until: Date): CheckOutcome {
	const at = until.toISOString().slice(11, 16);
	return {
		status: 'warning',
		message: m.server_check_github_rate_limited({ at }),
		retryAt: until
	};
}

/** When the rate limit of a 403/429 answer ends: x-ratelimit-reset, else retry-after, else a minute. */
function resetOf(response: Response, now: Date): Date {
	const reset = Number(response.headers.get('x-ratelimit-reset'));
	if (Number.isFinite(reset) && reset * 1000 > now.getTime()) return new Date(reset * 1000);
	const retryAfter = Number(response.headers.get('retry-after'));
	if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(now.getTime() + retryAfter * 1000);
	return new Date(now.getTime() + 60_000);
}

async function checkGitHubRepo(link: string, context: CheckContext): Promise<CheckOutcome> {
	const parsed = parseGitHubRepo(link);
	if (!parsed) {
		return {
			status: 'invalid',
			message: m.server_check_github_url()
		};
	}
	const now = context.now();
	const api = context.githubApiUrl;
	const until = blockedUntil.get(api);
	if (until !== undefined && until > now.getTime()) return rateLimited(new Date(until));

	const headers: Record<string, string> = {
		accept: 'application/vnd.github+json',
		'x-github-api-version': '2022-11-28',
		'user-agent': 'Podium project checks'
	};
	if (context.githubToken) headers.authorization = `Bearer ${context.githubToken}`;
	const url = `${api}/repos/${encodeURIComponent(parsed.owner)}/${encodeURIComponent(parsed.repo)}`;
	let body: string;
	let response: Response;
	try {
		const answer = await fetchWithin(url, { headers, timeoutMs: context.timeoutMs, guardPrivate: false });
		response = answer.response;
		body = await answer.text();
	} catch (error) {
		if (error instanceof CheckTimeoutError) {
			return {
				status: 'warning',
				message: m.server_check_github_timeout({ seconds: timeoutSeconds(context.timeoutMs) })
			};
		}
		return { status: 'warning', message: m.server_check_github_unreachable() };
	}

	const remaining = response.headers.get('x-ratelimit-remaining');
	if (response.status === 403 || response.status === 429) {
		// A 403 without a spent budget or a retry-after is a real refusal (e.g. a blocked repository),
		// but GitHub's secondary limits send exactly that too: either way, not the team's fault.
		const reset = resetOf(response, now);
		blockedUntil.set(api, reset.getTime());
		return rateLimited(reset);
	}
	if (remaining === '0') blockedUntil.set(api, resetOf(response, now).getTime());

	if (response.status === 404) {
		return {
			status: 'invalid',
			message: m.server_check_github_missing({ name: `${parsed.owner}/${parsed.repo}` })
		};
	}
	if (response.status !== 200) {
		return {
			status: 'warning',
			message: m.server_check_github_http({ status: response.status })
		};
	}
	let repo: { private?: unknown; full_name?: unknown };
	try {
		repo = JSON.parse(body);
	} catch {
		return {
			status: 'warning',
			message: m.server_check_github_unreadable()
		};
	}
	if (typeof repo !== 'object' || repo === null || typeof repo.private !== 'boolean') {
		return {
			status: 'warning',
			message: m.server_check_github_unreadable()
		};
	}
	if (repo.private) {
		return {
			status: 'invalid',
			message: m.server_check_github_private({ name: `${parsed.owner}/${parsed.repo}` })
		};
	}
	const name = typeof repo.full_name === 'string' ? repo.full_name : `${parsed.owner}/${parsed.repo}`;
	return { status: 'valid', message: m.server_check_github_ok({ name }) };
}

export const githubPublicRepo: LinkCheck = {
	id: 'github_public',
	get label() {
		return m.server_check_label_github();
	},
	link: 'repo',
	run: checkGitHubRepo
};

/** Forgets the rate limits seen (tests that start a new fake GitHub). */
export function forgetGitHubRateLimits(): void {
	blockedUntil.clear();
}
