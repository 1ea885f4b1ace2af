import { resolve } from '$app/paths';
import { intlLocale } from '$lib/intl';
import { m } from '$lib/paraglide/messages';
import { formatInZoneForReader } from '$lib/server/i18n/dates';

// The ballot page's fixed words, said on the server in the request's language. The page's script
// carries every message it uses in every language, and the ballot page must stay light (under 60 KB
// on a cold first load, tests/e2e/light.test.ts): it keeps only the messages with live values in them
// (the count of picks, the time left, the time saved).

interface Shown {
	limit: number;
	picks: unknown[];
	pages: { page: number; count: number };
	shortlist: { full: boolean; size: number; total: number } | null;
}

/** The sentences of the ballot page for this ballot (and its void, if any). */
export function ballotText(eventName: string, ballot: Shown, voided: { reason: string } | null) {
	const { limit, shortlist } = ballot;
	return {
		title: m.vote_title({ name: eventName }),
		heading: m.vote_heading(),
		intro: m.vote_intro({ limit }),
		pickUpTo: m.vote_pick_up_to({ limit }),
		shortlist: shortlist && (shortlist.full ? m.vote_showing_all(shortlist) : m.vote_shortlist(shortlist)),
		shortlistLink: shortlist && (shortlist.full ? m.vote_back_to_shortlist() : m.vote_show_all(shortlist)),
		voided: voided && m.vote_voided(voided),
		receipt: m.vote_receipt(),
		receiptNote: m.vote_receipt_note(),
		none: m.vote_none(),
		send: ballot.picks.length > 0 ? m.vote_change() : m.vote_send(),
		elsewhere: m.vote_elsewhere(),
		pages: ballot.pages.count > 1 && {
			label: m.vote_pages_label(),
			previous: m.vote_page_previous(),
			next: m.vote_page_next(),
			position: m.vote_page_position(ballot.pages)
		},
		demo: m.vote_demo(),
		code: m.vote_code(),
		status: {
			// Intl's locale for the time saved: $lib/intl, imported by the page, would be one more request.
			locale: intlLocale(),
			offline: m.vote_offline(),
			kept: m.vote_kept(),
			sending: m.vote_sending(),
			retrying: m.vote_retrying(),
			tryNow: m.vote_try_now(),
			refused: m.vote_refused(),
			saved: m.vote_saved_short()
		},
		countdown: { open: m.vote_closes_at(), closed: m.vote_closed(), closedAt: m.vote_closed_at() }
	};
}

/** What a saved ballot's note says: its picks on record, and whether a newer ballot won. */
export function savedNote(outcome: string, picks: number): string {
	return outcome === 'outdated' ? m.vote_saved_newer({ count: picks }) : m.vote_saved({ count: picks });
}

/** When voting closes, "Sat, 5 Dec 2026, 18:00 (Europe/Madrid)", in the page's language, on the event's clock. */
export const closingTime = (at: Date, timeZone: string): string => formatInZoneForReader(at, timeZone);

/**
 * A refused ballot page says why in words and points where to go instead: the results once voting has
 * closed, the event page before it opens, the join form for someone who does not attend. Sent with the
 * error, so the error page (shipped with every page) carries none of these messages.
 */
export function explainRefusal(slug: string) {
	const eventPage = { href: resolve('/events/[slug]', { slug }), label: m.vote_error_event_page() };
	const home = { href: resolve('/'), label: m.vote_error_home() };
	return (reason: string | undefined): Omit<App.Error, 'message'> | undefined => {
		if (reason === 'voting-closed') {
			const results = {
				href: resolve('/events/[slug]/leaderboard', { slug }),
				label: m.vote_error_results()
			};
			return {
				headline: m.vote_error_closed(),
				next: m.vote_error_closed_next(),
				links: [results, eventPage, home]
			};
		}
		if (reason === 'voting-not-open') {
			return {
				headline: m.vote_error_not_open(),
				next: m.vote_error_not_open_next(),
				links: [eventPage, home]
			};
		}
		if (reason === 'not-attending') {
			const join = { href: resolve('/join'), label: m.vote_error_join() };
			return {
				headline: m.vote_error_not_attending(),
				next: m.vote_error_not_attending_next(),
				links: [join, eventPage, home]
			};
		}
		return undefined;
	};
}
