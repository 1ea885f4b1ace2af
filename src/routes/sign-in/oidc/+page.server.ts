import { error } from '@sveltejs/kit';
import { describeOidcProblem, oidcProviderName } from '$lib/server/auth/oidc';
import { m } from '$lib/paraglide/messages';
import type { PageServerLoad } from './$types';

// Open to everyone, like the sign-in page: says why a sign-in with the provider could not start, and
// offers to try again.
export const load: PageServerLoad = ({ url }) => {
	const name = oidcProviderName();
	if (!name) error(404, m.auth_oidc_off());
	return { name, message: describeOidcProblem(url.searchParams.get('problem'), name) };
};
