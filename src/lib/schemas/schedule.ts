import { z } from 'zod';
import { canonicalTimeZone, fromWallTime } from '../time-zones';

// The "Dates and schedule" form: every time is typed as a wall-clock time (an <input type=
// "datetime-local">) in the time zone chosen in the same form, and becomes an instant here. The rules
// that need the event or the clock (the phase, times already passed) are in src/lib/server/schedule/.

const wallTime = z
	.string()
	.trim()
	.max(40, 'Enter a date and time, e.g. 2026-12-05 14:00.')
	.optional()
	.transform((text) => text || undefined);

const TIME_FIELDS = ['startsAt', 'endsAt', 'votingOpensAt', 'votingClosesAt'] as const;
type TimeField = (typeof TIME_FIELDS)[number];

export const scheduleSchema = z
	.object({
		timeZone: z.string().trim().max(64, 'Choose a time zone from the list.'),
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
				message: 'Choose a time zone from the list: an IANA name such as Europe/Paris or America/New_York.'
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
							? `Clocks in ${timeZone} skip that time (summer time begins): choose another.`
							: 'Enter a date and time, e.g. 2026-12-05 14:00.'
				});
			}
		}
		if ((form.startsAt === undefined) !== (form.endsAt === undefined)) {
			const missing = form.startsAt === undefined ? 'startsAt' : 'endsAt';
			ctx.addIssue({
				code: 'custom',
				path: [missing],
				message: `Give the ${missing === 'startsAt' ? 'start' : 'end'} too, or leave both empty.`
			});
		}
		if (times.startsAt && times.endsAt && times.endsAt <= times.startsAt) {
			ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'The event must end after it starts.' });
		}
		if (times.votingOpensAt && times.votingClosesAt && times.votingClosesAt <= times.votingOpensAt) {
			ctx.addIssue({
				code: 'custom',
				path: ['votingClosesAt'],
				message: 'Voting must close after it opens.'
			});
		}
		return { timeZone, ...times };
	});
export type ScheduleInput = z.output<typeof scheduleSchema>;
