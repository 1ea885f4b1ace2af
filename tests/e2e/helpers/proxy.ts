import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on a free port that passes everything on, except that while `blocking` it answers the
 * requests `blocked` picks with 502 Bad Gateway, as a venue's proxy does when its uplink drops. Unlike a
 * Playwright route, it stands outside the browser, so it holds for every page and every reload of the
 * contexts that use it (`browser.newContext({ proxy: { server: proxy.url } })`).
 */
export async function startProxy(blocked: (request: IncomingMessage) => boolean) {
	const proxy = { url: '', blocking: false, blockedCount: 0, close: () => {} };
	const server = createServer((incoming, outgoing) => {
		if (proxy.blocking && blocked(incoming)) {
			proxy.blockedCount++;
			incoming.resume();
			outgoing.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
			return;
		}
		const target = new URL(incoming.url!); // a proxy is asked for the whole address
		const upstream = request(
			{
				host: target.hostname,
				port: target.port,
				path: target.pathname + target.search,
				method: incoming.method,
				headers: incoming.headers
			},
			(answer) => {
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(outgoing);
			}
		);
		upstream.on('error', () => outgoing.destroy());
		outgoing.on('close', () => upstream.destroy());
		incoming.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	proxy.close = () => {
		server.closeAllConnections();
		server.close();
	};
	return proxy;
}
