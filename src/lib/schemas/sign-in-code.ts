import { z } from 'zod';

const email = z
	.string({ error: 'Type the email address.' })
	.trim()
	.min(1, 'Type the email address.')
	.max(254, 'That email address is too long.')
	.pipe(z.email({ error: 'That does not look like an email address.' }));

/** The owner's "issue a sign-in code" button on the attendees page. */
export const issueSignInCodeSchema = z.object({ email });

/** The sign-in page's "I have a code" form. */
export const codeSignInSchema = z.object({
	email,
	code: z
		.string({ error: 'Type the code the organiser gave you.' })
		.trim()
		.min(1, 'Type the code the organiser gave you.')
		.max(40, 'That code is too long: codes look like K7Q2M-XH4PA.')
});
