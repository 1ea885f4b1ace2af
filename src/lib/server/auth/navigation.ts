/**
 * Whether a GET was started by the person on Podium's own pages or by their own hand (typed, bookmarked,
 * opened from a scanned QR code or a mail app), not by another website. Browsers say so in
 * `Sec-Fetch-Site`; where it is missing nothing can tell, so the answer is no. Links with an effect (join
 * an event, join a team) act at once only for these, and otherwise ask for a click: a third-party page
 * could otherwise make a signed-in visitor join something by embedding or opening the link.
 */
export function isFirstPartyNavigation(request: Request): boolean {
	const site = request.headers.get('sec-fetch-site');
	return site === 'same-origin' || site === 'none';
}
