import { requirePlatformAdmin } from '$lib/server/auth/guards';
import { fieldErrors } from '$lib/schemas/forms';
import { dashboardRangeSchema } from '$lib/schemas/dashboard';
import { loadDashboard, resolveMonthRange } from '$lib/server/platform/dashboard';
import type { PageServerLoad } from './$types';

/** How old the monthly figures may be: they change slowly and cost the most to read. */
const DASHBOARD_MAX_AGE_MS = 60_000;

export const load: PageServerLoad = async (event) => {
	requirePlatformAdmin(event);
	const asked = {
		from: event.url.searchParams.get('from') ?? undefined,
		to: event.url.searchParams.get('to') ?? undefined
	};
	// A range that does not parse shows the default one, and says why, rather than failing the page.
	const parsed = dashboardRangeSchema.safeParse(asked);
	const range = resolveMonthRange(parsed.success ? parsed.data : {});
	return {
		range: { from: range.from, to: range.to, months: range.months },
		asked,
		rangeErrors: parsed.success ? {} : fieldErrors(parsed.error),
		...(await loadDashboard(range, new Date(), { maxAgeMs: DASHBOARD_MAX_AGE_MS })),
		maxAgeSeconds: DASHBOARD_MAX_AGE_MS / 1000
	};
};
