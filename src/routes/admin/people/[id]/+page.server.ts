import { redirect } from '@sveltejs/kit';
import { changeEmailSchema, deletePersonSchema, mergeSchema } from '$lib/schemas/people';
import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { grantPlatformAdmin, revokePlatformAdmin } from '$lib/server/platform/admins';
import { deletePerson, describeDeletion } from '$lib/server/platform/deletion';
import { mergePeople, planMerge } from '$lib/server/platform/merge';
import { changeEmail, revealPrivateFields, signOutEverywhere } from '$lib/server/platform/person-actions';
import { describePerson, findPerson } from '$lib/server/platform/people';
import { attempt, orError, RuleViolation } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requirePlatformAdmin(event);
	const id = event.params.id;
	const overview = await orError(describePerson(id));
	// ?merge=<email> shows what merging this account into that one would do; ?delete shows deletion's
	// effect. Links and GET forms: the confirmations work without JavaScript.
	const keepEmail = event.url.searchParams.get('merge')?.trim().slice(0, 254);
	let merge:
		{ plan?: Awaited<ReturnType<typeof planMerge>>; refusal?: string; keepEmail: string } | undefined;
	if (keepEmail) {
		try {
			merge = { plan: await planMerge(id, keepEmail), keepEmail };
		} catch (error) {
			if (!(error instanceof RuleViolation)) throw error;
			merge = { refusal: error.message, keepEmail };
		}
	}
	const deletion = event.url.searchParams.has('delete') ? await orError(describeDeletion(id)) : undefined;
	return { ...overview, merge, deletion, me: user.id };
};

export const actions: Actions = {
	reveal: async (event) => {
		const user = requirePlatformAdmin(event);
		const done = await attempt(revealPrivateFields(user, event.params.id));
		if (done.failure) return done.failure;
		return { revealed: done.value };
	},
	changeEmail: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, changeEmailSchema);
		if (form.failure) return form.failure;
		const done = await attempt(changeEmail(user, event.params.id, form.data.email), form.values);
		if (done.failure) return done.failure;
		return { emailChanged: done.value };
	},
	merge: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, mergeSchema);
		if (form.failure) return form.failure;
		const { keepEmail, fingerprint } = form.data;
		const done = await attempt(mergePeople(user, event.params.id, keepEmail, fingerprint), form.values);
		if (done.failure) return done.failure;
		redirect(
			303,
			`/admin/people/${done.value.kept.id}?merged=${encodeURIComponent(done.value.duplicateEmail)}`
		);
	},
	signOut: async (event) => {
		const user = requirePlatformAdmin(event);
		const done = await attempt(signOutEverywhere(user, event.params.id));
		if (done.failure) return done.failure;
		return { signedOut: done.value };
	},
	delete: async (event) => {
		const user = requirePlatformAdmin(event);
		const form = await parseForm(event.request, deletePersonSchema);
		if (form.failure) return form.failure;
		const done = await attempt(deletePerson(user, event.params.id, form.data.fingerprint));
		if (done.failure) return done.failure;
		return { deleted: done.value };
	},
	grant: async (event) => {
		const user = requirePlatformAdmin(event);
		const person = await orError(findPerson(event.params.id));
		const done = await attempt(grantPlatformAdmin(user, person.email));
		if (done.failure) return done.failure;
		return { granted: done.value };
	},
	revoke: async (event) => {
		const user = requirePlatformAdmin(event);
		const person = await orError(findPerson(event.params.id));
		const done = await attempt(revokePlatformAdmin(user, person.email));
		if (done.failure) return done.failure;
		return { revoked: done.value };
	}
};
