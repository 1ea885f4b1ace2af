import { config } from '$lib/server/config';
import { joinLinkFor, renderQrSvg } from '$lib/server/admin/joining';
import { requireEventOwner } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const joinLink = joinLinkFor(config().origin, owned.joinCode);
	const svg = await renderQrSvg(joinLink);
	return {
		name: owned.name,
		slug: owned.slug,
		joinCode: owned.joinCode,
		joinLink,
		qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
	};
};
