import { z } from 'zod';

/** The owner's void of one ballot on the integrity review page: whose, and why (shown to the voter). */
export const voidOwnBallotSchema = z.object({
	voterId: z.uuid('Choose a ballot to void.'),
	reason: z
		.string()
		.trim()
		.min(3, 'Say why you void this ballot: the voter will read it.')
		.max(500, 'The reason can be at most 500 characters.')
});
