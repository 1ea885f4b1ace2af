import { redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { joinEventByCode } from '$lib/server/events';
import { limitCodeGuessing } from '$lib/server/join-limits';
import { RuleViolation } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

// A join link: opening it signed in joins at once; signed out, requireUser sends the person to sign in
// and back here afterwards.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	let slug: string;
	try {
		await limitCodeGuessing(event, user.id);
		slug = (await joinEventByCode(user.id, event.params.code)).slug;
	} catch (e) {
		if (e instanceof RuleViolation) return { message: e.message, code: event.params.code };
		throw e;
	}
	redirect(303, `/events/${slug}?welcome`);
};
