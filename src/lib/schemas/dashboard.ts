import { z } from 'zod';
import { m } from '../paraglide/messages.js';

/** The widest range the dashboard's monthly charts cover: five years keeps every query bounded. */
export const MAX_DASHBOARD_MONTHS = 60;

const month = z
	.string()
	.trim()
	.optional()
	.transform((value) => (value ? value : undefined))
	.pipe(
		z
			.string()
			.regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: () => m.server_dashboard_month() })
			.optional()
	);

/** Months since year 0: 2026-01 → 24312. */
export const monthIndex = (value: string) => Number(value.slice(0, 4)) * 12 + Number(value.slice(5, 7)) - 1;

/** The dashboard's GET form: from and to months (either may be left empty), at most five years apart. */
export const dashboardRangeSchema = z
	.object({ from: month, to: month })
	.refine((range) => !range.from || !range.to || monthIndex(range.from) <= monthIndex(range.to), {
		error: () => m.server_dashboard_order(),
		path: ['to']
	})
	.refine(
		(range) =>
			!range.from || !range.to || monthIndex(range.to) - monthIndex(range.from) < MAX_DASHBOARD_MONTHS,
		{ error: () => m.server_dashboard_max({ max: MAX_DASHBOARD_MONTHS }), path: ['to'] }
	);
