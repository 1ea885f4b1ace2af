const BASE = 'http://podium.invalid';
const MAX_LENGTH = 2000;

// A path a browser reads as same-origin: one leading slash, not `//host` or `/\host` (which browsers read
// as `//host`), no control characters.
function isLocalPath(value: string): boolean {
	return (
		value.length > 0 &&
		value.length <= MAX_LENGTH &&
		value.startsWith('/') &&
		!value.startsWith('//') &&
		!value.includes('\\') &&
		// eslint-disable-next-line no-control-regex
		!/[\u0000-\u001f\u007f]/.test(value)
	);
}

/**
 * The same-origin path (with query and fragment) that `value` names, or `fallback` when it names
 * anything else. The one check every redirect to a place someone chose goes through: it refuses absolute
 * URLs, protocol-relative `//host`, backslash tricks, control characters and over-long values, and it
 * checks what it returns after normalising, because resolving dot segments can turn a harmless-looking
 * `/.//evil.example` or `/%2e//evil.example` into `//evil.example`.
 */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
	if (typeof value !== 'string' || !isLocalPath(value)) return fallback;
	let url: URL;
	try {
		url = new URL(value, BASE);
	} catch {
		return fallback;
	}
	if (url.origin !== BASE) return fallback;
	const path = `${url.pathname}${url.search}${url.hash}`;
	// What is returned must pass the same check, and must mean the same thing when a browser resolves it.
	if (!isLocalPath(path) || new URL(path, BASE).href !== url.href) return fallback;
	return path;
}

/** The path and query of a request, for coming back to it after signing in. */
export function pathOf(url: URL): string {
	return `${url.pathname}${url.search}`;
}
