import { voidOwnBallotSchema } from '$lib/schemas/integrity';
import { requireEventOwner } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { INTEGRITY_SIGNALS, listIntegrityFlags } from '$lib/server/results/integrity';
import { listVoidedBallots, voidBallot } from '$lib/server/results/voiding';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

// The first flags of each signal: in a big event a signal can raise thousands (a 4,500-voter event's page
// was 5 MB), and a voided ballot leaves the list, so the next ones come up.
const FLAGS_SHOWN_PER_SIGNAL = 50;

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const [all, voided] = await Promise.all([listIntegrityFlags(owned.id), listVoidedBallots(owned.id)]);
	const ofSignal = (key: string) => all.filter((flag) => flag.signal === key);
	return {
		signals: INTEGRITY_SIGNALS.map((signal) => ({ ...signal, total: ofSignal(signal.key).length })),
		flags: INTEGRITY_SIGNALS.flatMap((signal) => ofSignal(signal.key).slice(0, FLAGS_SHOWN_PER_SIGNAL)),
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
