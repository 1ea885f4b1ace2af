import { redirect } from '@sveltejs/kit';
import { completeOidcSignIn, oidcProviderName } from '$lib/server/auth/oidc';
import { deleteSessionCookie, invalidateSession, setSessionCookie } from '$lib/server/auth/sessions';
import type { PageServerLoad } from './$types';

// Where the provider sends people back (a GET it makes the browser do). Success signs in and moves on;
// any failure is a page that says what happened, never an error page.
export const load: PageServerLoad = async ({ cookies, url, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const result = await completeOidcSignIn({ cookies, url });
	if (!result.ok) return { message: result.message, name: oidcProviderName() };
	// Signing in as someone (else) on this browser ends the session it had.
	if (locals.session) {
		await invalidateSession(locals.session.id);
		deleteSessionCookie(cookies, url);
	}
	setSessionCookie(cookies, url, result.token, result.session.expiresAt);
	if (!result.profileComplete) redirect(303, `/welcome?redirectTo=${encodeURIComponent(result.redirectTo)}`);
	redirect(303, result.redirectTo);
};
