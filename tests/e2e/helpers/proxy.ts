import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

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
	// Playwright's request client (context.request, e.g. signing in by posts) asks a proxy for a tunnel
	// even to a plain-HTTP address: passed on as asked, never blocked (the browser's pages do not tunnel).
	const tunnels = new Set<Socket>();
	server.on('connect', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
		const [host, port] = incoming.url!.split(':');
		const upstream = connect(Number(port), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		for (const socket of [client, upstream]) {
			tunnels.add(socket);
			socket.on('error', () => (client.destroy(), upstream.destroy()));
			socket.on('close', () => tunnels.delete(socket));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	proxy.close = () => {
		server.closeAllConnections();
		for (const socket of tunnels) socket.destroy();
		server.close();
	};
	return proxy;
}
