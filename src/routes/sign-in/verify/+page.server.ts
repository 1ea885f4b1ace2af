import { fail, redirect } from '@sveltejs/kit';
import { deleteSessionCookie, invalidateSession, setSessionCookie } from '$lib/server/auth/sessions';
import { inspectSignInLink, signInWithLink } from '$lib/server/auth/sign-in-links';
import type { Actions, PageServerLoad } from './$types';
import { formOf } from '$lib/server/http/form-body';

// Opening the link only shows a "Sign in" button; the POST of that button uses the link. Mail scanners
// that fetch every link in a message therefore cannot spend it before its owner clicks.

export const load: PageServerLoad = async ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const token = url.searchParams.get('token');
	const link = await inspectSignInLink(token);
	return {
		state: link.state,
		email: link.state === 'invalid' ? '' : link.email,
		token: link.state === 'valid' ? token : null
	};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals }) => {
		const form = await formOf(request);
		const result = await signInWithLink(form.get('token'));
		if (!result.ok) return fail(400, { state: result.state, email: result.email ?? '' });

		// Signing in as someone (else) on this browser ends the session it had.
		if (locals.session) {
			await invalidateSession(locals.session.id);
			deleteSessionCookie(cookies, url);
		}
		setSessionCookie(cookies, url, result.token, result.session.expiresAt);
		if (!result.profileComplete) {
			redirect(303, `/welcome?redirectTo=${encodeURIComponent(result.redirectTo)}`);
		}
		redirect(303, result.redirectTo);
	}
};
