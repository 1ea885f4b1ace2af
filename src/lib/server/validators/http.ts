import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Checks fetch addresses that people typed: they must not become a way to reach the server's own
// network (SSRF), and a slow or silent host must not hold a check forever.

const privateRanges = new BlockList();
for (const [net, prefix] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['224.0.0.0', 3]
] as const)
	privateRanges.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
	['::', 127],
	['fc00::', 7],
	['fe80::', 10],
	['::ffff:0:0', 96]
] as const)
	privateRanges.addSubnet(net, prefix, 'ipv6');

/** Raised when a link points at a private or local address. */
export class PrivateAddressError extends Error {}

/** Raised when the answer took longer than the check's time limit. */
export class CheckTimeoutError extends Error {}

async function refusePrivateHost(url: URL): Promise<void> {
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
	for (const { address, family } of addresses) {
		if (privateRanges.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
			throw new PrivateAddressError(`${url.hostname} is a private or local address.`);
		}
	}
}

/**
 * Fetches `url` within `timeoutMs` (the body included: callers read it through `text()` before the time
 * is up). Redirects are followed by hand, up to 5, so that each hop can be checked for private addresses
 * when `guardPrivate` is set.
 */
export async function fetchWithin(
	url: string,
	init: RequestInit & { timeoutMs: number; guardPrivate: boolean }
): Promise<{ response: Response; text: () => Promise<string> }> {
	const { timeoutMs, guardPrivate, ...rest } = init;
	const signal = AbortSignal.timeout(timeoutMs);
	let current = new URL(url);
	try {
		for (let hop = 0; ; hop++) {
			if (!['http:', 'https:'].includes(current.protocol)) throw new TypeError('not an http(s) address');
			if (guardPrivate) await refusePrivateHost(current);
			const response = await fetch(current, { ...rest, redirect: 'manual', signal });
			const location = response.headers.get('location');
			if (response.status >= 300 && response.status < 400 && location && hop < 5) {
				await response.body?.cancel();
				current = new URL(location, current);
				continue;
			}
			return {
				response,
				text: async () => {
					try {
						return await response.text();
					} catch (error) {
						throw signal.aborted ? new CheckTimeoutError('timed out') : error;
					}
				}
			};
		}
	} catch (error) {
		if (signal.aborted) throw new CheckTimeoutError('timed out');
		throw error;
	}
}

/** A time limit in seconds, to one decimal, for messages. */
export function timeoutSeconds(timeoutMs: number): number {
	return Math.round(timeoutMs / 100) / 10;
}
