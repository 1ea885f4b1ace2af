import { fail } from '@sveltejs/kit';
import { oidcProviderName } from '$lib/server/auth/oidc';
import { safeRedirectPath } from '$lib/server/auth/redirect';
import { requestSignInLink } from '$lib/server/auth/sign-in-links';
import { m } from '$lib/paraglide/messages';
import { signInSchema } from '$lib/schemas/profile';
import type { Actions, PageServerLoad } from './$types';
import { formOf } from '$lib/server/http/form-body';

export const load: PageServerLoad = ({ locals, url }) => {
	return {
		redirectTo: safeRedirectPath(url.searchParams.get('redirectTo')),
		// Already signed in: the page says so, and still lets the person sign in with another address.
		signedInAs: locals.user?.email ?? null,
		email: url.searchParams.get('email')?.slice(0, 254) ?? '',
		signedOutEverywhere: url.searchParams.get('signedOut') === 'everywhere',
		// "Sign in with …" when an OpenID Connect provider is configured (OIDC_*).
		oidcName: oidcProviderName()
	};
};

export const actions: Actions = {
	default: async ({ request, getClientAddress, setHeaders }) => {
		const form = await formOf(request);
		const email = String(form.get('email') ?? '').slice(0, 254);
		const parsed = signInSchema.safeParse({
			email: form.get('email') ?? '',
			redirectTo: form.get('redirectTo') ?? undefined
		});
		if (!parsed.success) return fail(400, { email, error: parsed.error.issues[0].message });

		const result = await requestSignInLink({
			email: parsed.data.email,
			redirectTo: parsed.data.redirectTo,
			// The link points at ORIGIN, never at a Host header a client chose.
			clientAddress: getClientAddress()
		});
		if (result.status === 'refused') return fail(400, { email, error: result.message });
		if (result.status === 'rate-limited') {
			setHeaders({ 'retry-after': String(result.retryAfterSeconds) });
			return fail(429, { email, error: tooManyRequests(result.retryAfterSeconds) });
		}
		if (result.status === 'mail-failed') {
			return fail(503, { email, error: m.auth_mail_failed() });
		}
		return { sent: true as const, email: parsed.data.email };
	}
};

function tooManyRequests(seconds: number): string {
	return seconds < 90
		? m.auth_too_many_seconds({ count: seconds })
		: m.auth_too_many_minutes({ count: Math.ceil(seconds / 60) });
}
