import type { RequestEvent } from '@sveltejs/kit';
import type { Refusal } from './refusals';
import { m } from '$lib/paraglide/messages';

// PostgreSQL's text cannot hold U+0000: a NUL reaching a query fails it with "invalid byte sequence for
// encoding UTF8: 0x00", a 500. Unpaired surrogates cannot arrive through today's decoders (the URL and
// form parsers replace broken UTF-8 with U+FFFD, and SvelteKit answers a path whose escapes are not
// UTF-8 with 400), but the driver would silently turn one into U+FFFD: refused as well, for free.

/** What such text contains, for messages. */
export const notAllowed = () => m.server_not_allowed_char();

/** Whether PostgreSQL can store the text exactly as given. */
export function isStorableText(text: string): boolean {
	return !text.includes('\u0000') && text.isWellFormed();
}

/** Why the request's path parameters or query string cannot be used, if they cannot. */
export function inspectAddress(event: RequestEvent): Refusal | undefined {
	for (const value of Object.values(event.params)) {
		// No route's page or file has such a name: not found, as for any other unknown address.
		if (value !== undefined && !isStorableText(value)) {
			return { status: 404, message: m.server_address_not_found({ what: notAllowed() }) };
		}
	}
	for (const [key, value] of event.url.searchParams) {
		if (!isStorableText(key) || !isStorableText(value)) {
			return { status: 400, message: m.server_query_not_allowed({ what: notAllowed() }) };
		}
	}
	return undefined;
}
