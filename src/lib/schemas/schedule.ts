import { z } from 'zod';
import { canonicalTimeZone, fromWallTime } from '../time-zones';
import { m } from '../paraglide/messages.js';

// The "Dates and schedule" form: every time is typed as a wall-clock time (an <input type=
// "datetime-local">) in the time zone chosen in the same form, and becomes an instant here. The rules
// that need the event or the clock (the phase, times already passed) are in src/lib/server/schedule/.

const wallTime = z
	.string()
	.trim()
	.max(40, { error: () => m.server_schedule_time_format() })
	.optional()
	.transform((text) => text || undefined);

const TIME_FIELDS = ['startsAt', 'endsAt', 'votingOpensAt', 'votingClosesAt'] as const;
type TimeField = (typeof TIME_FIELDS)[number];

export const scheduleSchema = z
	.object({
		timeZone: z
			.string()
			.trim()
			.max(64, { error: () => m.server_schedule_zone_list() }),
		startsAt: wallTime,
		endsAt: wallTime,
		votingOpensAt: wallTime,
		votingClosesAt: wallTime
	})
	.transform((form, ctx) => {
		const timeZone = canonicalTimeZone(form.timeZone);
		if (!timeZone) {
			ctx.addIssue({
				code: 'custom',
				path: ['timeZone'],
				message: m.server_schedule_zone_iana()
			});
			return z.NEVER;
		}
		const times = {} as Record<TimeField, Date | null>;
		for (const field of TIME_FIELDS) {
			const text = form[field];
			if (!text) {
				times[field] = null;
				continue;
			}
			const instant = fromWallTime(text.replace(' ', 'T'), timeZone);
			if (instant instanceof Date) times[field] = instant;
			else {
				times[field] = null;
				ctx.addIssue({
					code: 'custom',
					path: [field],
					message:
						instant === 'skipped'
							? m.server_schedule_skipped_time({ zone: timeZone })
							: m.server_schedule_time_format()
				});
			}
		}
		if ((form.startsAt === undefined) !== (form.endsAt === undefined)) {
			const missing = form.startsAt === undefined ? 'startsAt' : 'endsAt';
			ctx.addIssue({
				code: 'custom',
				path: [missing],
				message: missing === 'startsAt' ? m.server_schedule_give_start() : m.server_schedule_give_end()
			});
		}
		if (times.startsAt && times.endsAt && times.endsAt <= times.startsAt) {
			ctx.addIssue({ code: 'custom', path: ['endsAt'], message: m.server_schedule_end_after_start() });
		}
		if (times.votingOpensAt && times.votingClosesAt && times.votingClosesAt <= times.votingOpensAt) {
			ctx.addIssue({
				code: 'custom',
				path: ['votingClosesAt'],
				message: m.server_schedule_close_after_open()
			});
		}
		return { timeZone, ...times };
	});
export type ScheduleInput = z.output<typeof scheduleSchema>;
