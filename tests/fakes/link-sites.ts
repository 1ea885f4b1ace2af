// Local fakes of what the project link checks ask (src/lib/server/validators/): GitHub's REST API
// (GET /repos/<owner>/<name> with its rate-limit headers), itch.io game pages, and demo sites. Each
// answers like the real thing for the cases the checks must handle: found, missing, private, rate
// limited (403 and 429), slow (past the check's time limit), and malformed JSON.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSite {
	url: string;
	/** Every request: its path and its Authorization header. */
	requests: { path: string; authorization?: string }[];
	close(): Promise<void>;
}

/** How the fake GitHub answers for one repository. */
export type FakeRepo = { private: boolean } | 'slow' | 'malformed' | 'rate-limited-429';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeSite> {
	const requests: FakeSite['requests'] = [];
	const sockets = new Set<import('node:net').Socket>();
	const server: Server = createServer((req, res) => {
		requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
		handler(req, res);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				// Slow answers never end by themselves.
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			})
	};
}

/**
 * A fake GitHub API. `budget` requests are answered normally (remaining counts down in
 * x-ratelimit-remaining); past it every request gets GitHub's 403 "API rate limit exceeded" with
 * x-ratelimit-remaining: 0 and x-ratelimit-reset `resetInSeconds` after the first refusal, when the
 * budget is full again.
 */
export function startFakeGitHub(options: {
	repos: Record<string, FakeRepo>;
	budget?: number;
	resetInSeconds?: number;
}): Promise<FakeSite> {
	const budget = options.budget ?? 60;
	let remaining = budget;
	// Epoch seconds when a spent budget is full again (unset while it is not spent).
	let refill: number | undefined;
	return serve((req, res) => {
		const match = /^\/repos\/([^/]+)\/([^/?]+)$/.exec(req.url ?? '');
		const now = Date.now() / 1000;
		if (refill !== undefined && now >= refill) [remaining, refill] = [budget, undefined];
		const reset = refill ?? Math.ceil(now) + 3600;
		if (remaining <= 0) {
			refill ??= Math.ceil(now) + (options.resetInSeconds ?? 3600);
			res.writeHead(403, {
				'content-type': 'application/json',
				'x-ratelimit-limit': String(budget),
				'x-ratelimit-remaining': '0',
				'x-ratelimit-reset': String(refill)
			});
			res.end(JSON.stringify({ message: 'API rate limit exceeded for 127.0.0.1.' }));
			return;
		}
		remaining--;
		if (remaining === 0) refill = Math.ceil(now) + (options.resetInSeconds ?? 3600);
		const headers = {
			'content-type': 'application/json; charset=utf-8',
			'x-ratelimit-limit': String(budget),
			'x-ratelimit-remaining': String(remaining),
			'x-ratelimit-reset': String(refill ?? reset)
		};
		const repo = match
			? options.repos[`${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`]
			: undefined;
		if (repo === 'slow') return; // never answers: the check's time limit must end it
		if (repo === 'malformed') {
			res.writeHead(200, headers);
			res.end('{"id": 1, "private": fal');
			return;
		}
		if (repo === 'rate-limited-429') {
			res.writeHead(429, { ...headers, 'retry-after': '30' });
			res.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }));
			return;
		}
		if (!match || !repo) {
			res.writeHead(404, headers);
			res.end(JSON.stringify({ message: 'Not Found', status: '404' }));
			return;
		}
		res.writeHead(200, headers);
		res.end(
			JSON.stringify({
				id: 1,
				full_name: `${match[1]}/${match[2]}`,
				private: repo.private,
				visibility: repo.private ? 'private' : 'public'
			})
		);
	});
}

/** How a fake itch.io game page answers. */
export type FakeItchPage = 'playable' | 'download-only' | 'slow' | 'rate-limited';

/** Fake itch.io: `<url>/<creator>/<game>` stands for https://<creator>.itch.io/<game> (ITCH_BASE_URL `<url>/{user}`). */
export function startFakeItch(pages: Record<string, FakeItchPage>): Promise<FakeSite> {
	return serve((req, res) => {
		const page = pages[(req.url ?? '').slice(1)];
		if (page === 'slow') return;
		if (page === 'rate-limited') {
			res.writeHead(429, { 'content-type': 'text/plain' });
			res.end('Too many requests');
			return;
		}
		if (!page) {
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end('<!doctype html><title>Page not found</title><h1>Page not found</h1>');
			return;
		}
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		// Trimmed from real itch.io pages: a web build has the iframe placeholder, a download-only one not.
		res.end(
			page === 'playable'
				? '<!doctype html><div id="html_embed_123" class="html_embed_widget"><div class="iframe_placeholder" data-iframe="&lt;iframe src=&quot;https://html.itch.zone/html/123/index.html&quot;&gt;"><button class="button load_iframe_btn">Run game</button></div></div>'
				: '<!doctype html><div class="game_download_btn">Download</div><div class="uploads"><div class="upload"><strong class="name">game-win.zip</strong></div></div>'
		);
	});
}

/** A fake demo site: /ok answers 200, /moved redirects to /ok, /missing 404, /broken 500, /slow never. */
export function startFakeDemoSite(): Promise<FakeSite> {
	return serve((req, res) => {
		const path = req.url ?? '';
		if (path === '/slow') return;
		if (path === '/ok') {
			res.writeHead(200, { 'content-type': 'text/html' });
			res.end('<!doctype html><title>Demo</title>');
		} else if (path === '/moved') {
			res.writeHead(302, { location: '/ok' });
			res.end();
		} else if (path === '/broken') {
			res.writeHead(500, { 'content-type': 'text/plain' });
			res.end('Internal Server Error');
		} else {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('Not Found');
		}
	});
}
