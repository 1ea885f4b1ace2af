import { m } from './paraglide/messages.js';
import { httpUrl } from './schemas/forms';

// The forms' rule for links, applied to links read back from the database: rows written before the
// backfill checked links, or by hand in SQL, may hold javascript: or data: URLs, which would run in
// the reader's browser if a page used them as href or src.
const link = httpUrl(m.server_label_link);

/** The link as the forms would store it if it is http(s), else undefined: never render the value. */
export function safeHref(url: string | null | undefined): string | undefined {
	if (!url) return undefined;
	const checked = link.safeParse(url);
	return checked.success ? checked.data : undefined;
}
