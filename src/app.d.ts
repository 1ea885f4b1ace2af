// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Session, SessionUser } from '$lib/server/auth/sessions';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** A passing problem (the database is unreachable): worth trying again in a moment. */
			retry?: boolean;
			/** Why a rule refused the request, for error pages that point somewhere specific (RuleViolation). */
			reason?: string;
			/** Words a page that knows more puts on its error page, said on the server (see ErrorPage.svelte). */
			headline?: string;
			next?: string;
			links?: { href: string; label: string }[];
		}
		interface Locals {
			/** Who is signed in (see src/hooks.server.ts); null for a visitor. */
			user: SessionUser | null;
			session: Session | null;
			/** The language of this request (src/lib/server/i18n/locale.ts). */
			locale: import('$lib/paraglide/runtime').Locale;
		}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
}

export {};
