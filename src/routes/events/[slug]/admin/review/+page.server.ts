import { voidOwnBallotSchema } from '$lib/schemas/integrity';
import { requireEventOwner } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { INTEGRITY_SIGNALS, reviewFlags } from '$lib/server/results/integrity';
import { listVoidedBallots, voidBallot } from '$lib/server/results/voiding';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const [{ totals, flags }, voided] = await Promise.all([reviewFlags(owned.id), listVoidedBallots(owned.id)]);
	return {
		signals: INTEGRITY_SIGNALS.map((signal) => ({ ...signal, total: totals[signal.key] })),
		flags,
		voided,
		phase: owned.phase
	};
};

export const actions: Actions = {
	void: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, voidOwnBallotSchema);
		if (form.failure) return form.failure;
		const { voterId, reason } = form.data;
		const voided = await attempt(voidBallot(user, owned.id, voterId, reason), form.values);
		if (voided.failure) return voided.failure;
		return { voided: voided.value };
	}
};
