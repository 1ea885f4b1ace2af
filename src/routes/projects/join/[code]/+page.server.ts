import { redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { limitCodeGuessing } from '$lib/server/join-limits';
import { joinProjectByCode } from '$lib/server/projects';
import { RuleViolation } from '$lib/server/rules';
import type { PageServerLoad } from './$types';

// A project's join link: joins the team at once when signed in (after sign-in otherwise).
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	let projectId: string;
	try {
		await limitCodeGuessing(event, user.id);
		projectId = (await joinProjectByCode(user.id, event.params.code)).projectId;
	} catch (e) {
		if (e instanceof RuleViolation) return { message: e.message };
		throw e;
	}
	redirect(303, `/projects/${projectId}`);
};
