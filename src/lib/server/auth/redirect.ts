const BASE = 'http://podium.invalid';

/**
 * The same-origin path (with query and fragment) that `value` names, or `fallback` when it names
 * anything else. Refuses absolute URLs, protocol-relative `//host`, backslash tricks (`/\host`, which
 * browsers read as `//host`), control characters and over-long values: no open redirect.
 */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
	if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return fallback;
	if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
	let url: URL;
	try {
		url = new URL(value, BASE);
	} catch {
		return fallback;
	}
	if (url.origin !== BASE) return fallback;
	return `${url.pathname}${url.search}${url.hash}`;
}

/** The path and query of a request, for coming back to it after signing in. */
export function pathOf(url: URL): string {
	return `${url.pathname}${url.search}`;
}
