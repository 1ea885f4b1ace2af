import { projectSchemaFor } from '$lib/schemas/project';
import { requireUser } from '$lib/server/auth/guards';
import { getEventForViewer } from '$lib/server/events';
import { parseForm } from '$lib/server/forms';
import { missingPersonalDetails, profileLinkBackTo } from '$lib/server/pii-gate';
import { createProject, findOwnedProject } from '$lib/server/projects';
import { attempt, orError } from '$lib/server/rules';
import { newFormToken, redirectOnce } from '$lib/server/submit-once';
import type { Actions, PageServerLoad } from './$types';
import { m } from '$lib/paraglide/messages';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const found = await orError(getEventForViewer(event.params.slug, user.id));
	// The PII gate: say before the form is filled in what the profile lacks, with a way there and back.
	const missing = found.piiRequired ? await missingPersonalDetails(user.id) : [];
	return {
		event: { name: found.name, slug: found.slug, demoLinksOptional: found.demoLinksOptional },
		ownProject: found.isAttendee ? await findOwnedProject(user.id, found.id) : null,
		personalDetails: missing.length
			? { missing, profileHref: profileLinkBackTo(`/events/${found.slug}/projects/new`) }
			: undefined,
		// The form explains why it cannot be used rather than failing after it is filled in.
		blocked: !found.isAttendee
			? m.event_submit_join_first()
			: found.phase !== 'submission'
				? m.event_submit_not_open()
				: undefined,
		formToken: newFormToken()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const found = await orError(getEventForViewer(event.params.slug, user.id));
		const form = await parseForm(event.request, projectSchemaFor(!found.demoLinksOptional));
		if (form.failure) return form.failure;
		return redirectOnce(event, user.id, form.values, async () => {
			const created = await attempt(createProject(user.id, found.id, form.data), form.values);
			return created.failure ?? `/projects/${created.value.id}`;
		});
	}
};
