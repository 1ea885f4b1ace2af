import { redirect } from '@sveltejs/kit';
import { deleteEventSchema, eventSettingsSchema, phaseSchema, shortlistSchema } from '$lib/schemas/admin';
import { eventListingSchema } from '$lib/schemas/series';
import { getEventListing, updateEventListing } from '$lib/server/admin/listing';
import { recordPhaseChange } from '$lib/server/admin/audit';
import {
	deleteEvent,
	describeEventDeletion,
	getEventSettings,
	PHASE_ALLOWS,
	updateEventSettings
} from '$lib/server/admin/settings';
import { requireEventOwner } from '$lib/server/auth/guards';
import { PHASE_LABELS } from '$lib/server/events';
import { parseForm } from '$lib/server/forms';
import { getShortlistSettings, updateShortlistSettings } from '$lib/server/results/coverage';
import { changeEventPhase, describePhaseChange, PHASES } from '$lib/server/phases';
import { attempt } from '$lib/server/rules';
import { getEventSchedule, saveEventSchedule } from '$lib/server/schedule/settings';
import { scheduleSchema } from '$lib/schemas/schedule';
import { m } from '$lib/paraglide/messages';
import { listTimeZones } from '$lib/time-zones';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	// ?phase=voting (from the phase form, a GET) asks to confirm a move: nothing changes until then.
	const target = phaseSchema.safeParse({ phase: event.url.searchParams.get('phase') ?? '' });
	const [settings, deletion, shortlist, schedule, listing] = await Promise.all([
		getEventSettings(owned.id),
		describeEventDeletion(owned.id),
		getShortlistSettings(owned.id),
		getEventSchedule(owned.id),
		getEventListing(owned.id)
	]);
	return {
		settings,
		schedule,
		timeZones: listTimeZones(),
		listing,
		shortlist,
		deletion,
		phase: owned.phase,
		phases: PHASES.map((phase) => ({ phase, label: PHASE_LABELS[phase], allows: PHASE_ALLOWS[phase] })),
		phaseChange:
			target.success && target.data.phase !== owned.phase
				? {
						to: target.data.phase,
						label: PHASE_LABELS[target.data.phase],
						description: describePhaseChange(owned.phase, target.data.phase)
					}
				: undefined
	};
};

export const actions: Actions = {
	save: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, eventSettingsSchema);
		if (form.failure) return form.failure;
		const saved = await attempt(updateEventSettings(user, owned.id, form.data), form.values);
		if (saved.failure) return saved.failure;
		return { saved: saved.value.changed.length > 0 ? m.owner_settings_saved() : m.owner_nothing_to_save() };
	},
	saveShortlist: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, shortlistSchema);
		if (form.failure) return form.failure;
		const saved = await attempt(updateShortlistSettings(user, owned.id, form.data), form.values);
		if (saved.failure) return saved.failure;
		return { shortlistSaved: saved.value.changed ? m.owner_shortlist_saved() : m.owner_nothing_to_save() };
	},
	saveSchedule: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, scheduleSchema);
		if (form.failure) return form.failure;
		const saved = await attempt(saveEventSchedule(user, owned.id, form.data), form.values);
		if (saved.failure) return saved.failure;
		return {
			scheduleSaved: saved.value.changed ? m.owner_schedule_saved() : m.owner_nothing_to_save()
		};
	},
	saveListing: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, eventListingSchema);
		if (form.failure) return form.failure;
		const saved = await attempt(updateEventListing(user, owned.id, form.data), form.values);
		if (saved.failure) return saved.failure;
		return {
			listingSaved: saved.value.changed.length > 0 ? m.owner_listing_saved() : m.owner_nothing_to_save()
		};
	},
	changePhase: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, phaseSchema);
		if (form.failure) return form.failure;
		const changed = await attempt(changeEventPhase(user.id, owned.id, form.data.phase));
		if (changed.failure) return changed.failure;
		await recordPhaseChange(user, owned, changed.value);
		return { phaseChanged: m.owner_phase_changed({ phase: PHASE_LABELS[changed.value.to] }) };
	},
	deleteEvent: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, deleteEventSchema);
		if (form.failure) return form.failure;
		const deleted = await attempt(deleteEvent(user, owned.id, form.data.confirmName), form.values);
		if (deleted.failure) return deleted.failure;
		redirect(303, '/events');
	}
};
