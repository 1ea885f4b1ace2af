import { regenerateCodeSchema } from '$lib/schemas/admin';
import { config } from '$lib/server/config';
import { joinLinkFor, regenerateEventJoinCode, renderQrSvg } from '$lib/server/admin/joining';
import { requireEventOwner } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { attempt } from '$lib/server/rules';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { owned } = await requireEventOwner(event, event.params.slug);
	const joinLink = joinLinkFor(config().origin, owned.joinCode);
	const svg = await renderQrSvg(joinLink);
	return {
		joinCode: owned.joinCode,
		joinLink,
		qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
	};
};

export const actions: Actions = {
	regenerate: async (event) => {
		const { user, owned } = await requireEventOwner(event, event.params.slug);
		const form = await parseForm(event.request, regenerateCodeSchema);
		if (form.failure) return form.failure;
		const regenerated = await attempt(regenerateEventJoinCode(user, owned.id));
		if (regenerated.failure) return regenerated.failure;
		return { regenerated: regenerated.value };
	}
};
