import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

const NOT_A_PROJECT = { error: () => m.server_vote_not_in_event() };
const UNREADABLE = { error: () => m.server_vote_unreadable() };

/**
 * The ballot form: one `project` checkbox per pick (absent, one value, or several). With JavaScript the
 * page adds a stamp, `device`, `seq` and `key` (all three or none), so that a retry counts once (see
 * BallotStamp in src/lib/server/voting.ts); the plain form sends none.
 */
export const ballotSchema = z
	.object({
		project: z
			.union([z.string(), z.array(z.string())])
			.optional()
			.transform((value) =>
				value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]
			)
			.pipe(
				z
					.array(z.uuid(NOT_A_PROJECT))
					.min(1, { error: () => m.server_vote_pick_one() })
					.max(100, NOT_A_PROJECT)
			),
		device: z.uuid(UNREADABLE).optional(),
		seq: z
			.string()
			.regex(/^[1-9][0-9]{0,15}$/, UNREADABLE)
			.transform(Number)
			.refine(Number.isSafeInteger, UNREADABLE)
			.optional(),
		key: z.uuid(UNREADABLE).optional()
	})
	.refine(
		({ device, seq, key }) => {
			const given = [device, seq, key].filter((part) => part !== undefined).length;
			return given === 0 || given === 3;
		},
		{ ...UNREADABLE, path: ['key'] }
	)
	.transform(({ project, device, seq, key }) => ({
		project,
		stamp: device && seq && key ? { device, seq, key } : undefined
	}));
