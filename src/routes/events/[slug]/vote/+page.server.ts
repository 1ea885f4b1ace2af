import { ballotSchema } from '$lib/schemas/ballot';
import { requireUser } from '$lib/server/auth/guards';
import { findEventBySlug } from '$lib/server/event-access';
import { parseForm } from '$lib/server/forms';
import { pageNumber } from '$lib/server/projects';
import { countBallot } from '$lib/server/metrics';
import { recordBallotServed } from '$lib/server/results/receipts';
import { attempt, orError } from '$lib/server/rules';
import { castBallotAt, getBallot } from '$lib/server/voting';
import type { Actions, PageServerLoad } from './$types';
import { ballotText, closingTime, explainRefusal, savedNote } from './text.server';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const explain = explainRefusal(event.params.slug);
	const found = await orError(findEventBySlug(event.params.slug, user.id), explain);
	const query = event.url.searchParams;
	// ?list=all (a plain link, so it works without JavaScript) shows every project instead of a shortlist.
	const full = query.get('list') === 'all';
	// A large ballot comes in pages. Its page buttons send the form by GET (`?turn=2&project=…`), carrying
	// the ticks not sent yet to the next page; after a ballot is sent (a POST) the picks on record count.
	const turn = query.get('turn');
	const page = pageNumber(turn ?? query.get('page'));
	const carried =
		turn !== null && event.request.method === 'GET' ? query.getAll('project').slice(0, 100) : undefined;
	const ballot = await orError(getBallot(user.id, found.id, { full, page, carried }), explain);
	// When the ballot was served (an integrity signal), and the receipt and void of the ballot on record.
	const record = await recordBallotServed(user.id, found.id, ballot);
	// `voter` names the unsent ballot this browser may keep for this person (src/lib/ballot/).
	// A scheduled close is counted down on the page (Countdown.svelte).
	// Formatted here: the page's script stays free of time-zone code (it must stay light).
	const closes = found.votingClosesAt
		? { at: found.votingClosesAt, text: closingTime(found.votingClosesAt, found.timeZone) }
		: null;
	const text = ballotText(found.name, ballot, record.voided);
	return { event: { name: found.name, slug: found.slug, closes }, ballot, record, voter: user.id, text };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const form = await parseForm(event.request, ballotSchema);
		if (form.failure) {
			// Refused before the database (castBallot counts the rest by their outcome).
			countBallot('unreadable');
			return form.failure;
		}
		const { project, stamp } = form.data;
		// The client address goes to cast_ballot, which stores only a keyed hash of it (integrity review).
		const cast = await attempt(
			castBallotAt(user.id, event.params.slug, project, stamp, event.getClientAddress()),
			form.values
		);
		if (cast.failure) return cast.failure;
		const { outcome, picks, savedAt, receipt } = cast.value;
		// The picks on record, which after a repeat or an outdated ballot may differ from those sent.
		const note = savedNote(outcome, picks.length);
		return { saved: true, picks, savedAt, outcome, receipt, key: stamp?.key, note };
	}
};
