import { z } from 'zod';
import { m } from '../paraglide/messages.js';

const email = z
	.string({ error: () => m.server_email_required_the() })
	.trim()
	.min(1, { error: () => m.server_email_required_the() })
	.max(254, { error: () => m.server_email_too_long() })
	.pipe(z.email({ error: () => m.server_email_invalid() }));

/** The owner's "issue a sign-in code" button on the attendees page. */
export const issueSignInCodeSchema = z.object({ email });

/** The sign-in page's "I have a code" form. */
export const codeSignInSchema = z.object({
	email,
	code: z
		.string({ error: () => m.server_code_required() })
		.trim()
		.min(1, { error: () => m.server_code_required() })
		.max(40, { error: () => m.server_code_too_long() })
});
