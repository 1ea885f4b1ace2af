import { error, redirect } from '@sveltejs/kit';
import { startOidcSignIn } from '$lib/server/auth/oidc';
import type { RequestHandler } from './$types';

// A GET (a link), not a form: the page's Content-Security-Policy allows forms to post only to Podium
// (form-action 'self'), and browsers apply that to the redirect to the provider as well. All it changes is
// a cookie with this browser's state, nonce and PKCE verifier, which only this browser's callback uses.
export const GET: RequestHandler = async ({ cookies, url }) => {
	const started = await startOidcSignIn({ cookies, url, redirectTo: url.searchParams.get('redirectTo') });
	if (started.ok) redirect(303, started.location);
	if (started.reason === 'not-configured') error(404, started.message);
	redirect(303, `/sign-in/oidc?problem=${started.reason}`);
};
