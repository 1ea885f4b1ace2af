import { fail, redirect } from '@sveltejs/kit';
import { deleteSessionCookie, invalidateSession, setSessionCookie } from '$lib/server/auth/sessions';
import { signInWithCode } from '$lib/server/auth/sign-in-codes';
import { parseForm } from '$lib/server/forms';
import { codeSignInSchema } from '$lib/schemas/sign-in-code';
import type { Actions, PageServerLoad } from './$types';

// Open to everyone, like the sign-in page: the code is the credential.
export const load: PageServerLoad = ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals, getClientAddress, setHeaders }) => {
		const form = await parseForm(request, codeSignInSchema);
		if (form.failure) return form.failure;
		const result = await signInWithCode({ ...form.data, clientAddress: getClientAddress() });
		if (!result.ok) {
			if (result.retryAfterSeconds) setHeaders({ 'retry-after': String(result.retryAfterSeconds) });
			// The email refills; the code does not (it is a credential).
			return fail(result.retryAfterSeconds ? 429 : 400, {
				message: result.message,
				values: { email: form.data.email }
			});
		}
		// Signing in as someone (else) on this browser ends the session it had.
		if (locals.session) {
			await invalidateSession(locals.session.id);
			deleteSessionCookie(cookies, url);
		}
		setSessionCookie(cookies, url, result.token, result.session.expiresAt);
		if (!result.profileComplete)
			redirect(303, `/welcome?redirectTo=${encodeURIComponent(result.redirectTo)}`);
		redirect(303, result.redirectTo);
	}
};
