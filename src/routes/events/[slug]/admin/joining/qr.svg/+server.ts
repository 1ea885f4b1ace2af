import { config } from '$lib/server/config';
import { joinLinkFor, renderQrSvg } from '$lib/server/admin/joining';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

/** The join link's QR code as an SVG file, for posters and slides. */
export const GET: RequestHandler = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const svg = await renderQrSvg(joinLinkFor(config().origin, owned.joinCode));
	return new Response(svg, {
		headers: {
			'Content-Type': 'image/svg+xml; charset=utf-8',
			'Content-Disposition': `attachment; filename="${owned.slug}-join-qr.svg"`,
			// The code admits people to the event: no shared cache keeps it past a regeneration.
			'Cache-Control': 'private, no-store',
			'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'"
		}
	});
};
