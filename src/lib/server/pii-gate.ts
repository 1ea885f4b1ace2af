import { db } from './db.ts';
import { RuleViolation } from './rules.ts';
import { m } from '../paraglide/messages.js';

// The PII gate: an event whose owner (or a platform admin) turned on "address and birth date required"
// takes projects, and teammates joining them, only from people who have those on file. Grant programmes
// (Hack Club's YSWS) pay or ship per person and need both; asking at submission beats chasing people
// after the event. The fields stay private: the owner learns only that the gate let someone through,
// never the address itself (platform admins see it through the audited views and exports).

/** The RuleViolation reason that pages turn into a link to the profile (and back). */
export const PII_MISSING = 'pii-missing';

// What counts as an address on file: enough to post something. State and ZIP code are not required
// (many countries have neither).
const REQUIRED = [
	['street1', () => m.server_pii_street()],
	['city', () => m.server_pii_city()],
	['country', () => m.server_pii_country()],
	['dob', () => m.server_pii_dob()]
] as const;

/** What of the address and birth date `userId` has not filled in, in words ("street address", ...). */
export async function missingPersonalDetails(userId: string): Promise<string[]> {
	const user = await db.user.findUnique({
		where: { id: userId },
		select: { street1: true, city: true, country: true, dob: true }
	});
	if (!user) return REQUIRED.map(([, label]) => label());
	return REQUIRED.filter(([field]) => {
		const value = user[field];
		return value === null || (typeof value === 'string' && value.trim() === '');
	}).map(([, label]) => label());
}

/** Refuses (403, reason PII_MISSING) when the event has the gate on and `userId` lacks a detail. */
export async function checkPersonalDetails(event: { piiRequired: boolean }, userId: string) {
	if (!event.piiRequired) return;
	const missing = await missingPersonalDetails(userId);
	if (missing.length === 0) return;
	throw new RuleViolation(m.server_pii_required({ missing: missing.join(', ') }), 403, PII_MISSING);
}

/** The profile page, asked to come back to `back` once saved. */
export function profileLinkBackTo(back: string): string {
	return `/profile?redirectTo=${encodeURIComponent(back)}`;
}
