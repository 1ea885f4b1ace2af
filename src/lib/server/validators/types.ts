// The shapes every project link check shares; registry.ts lists the checks.

/** What one check concluded: `warning` means "could not tell" (rate limit, timeout), never "wrong". */
export interface CheckOutcome {
	status: 'valid' | 'warning' | 'invalid';
	/** One sentence for the team and the event's owner. */
	message: string;
	/** When to ask again by itself (a rate limit's reset); unset: only on save or "Check again". */
	retryAt?: Date;
}

/** Where and how checks ask: from config() in the app, from the fakes in tests. */
export interface CheckContext {
	githubApiUrl: string;
	githubToken: string | null;
	/** itch.io page address with `{user}` for the creator, e.g. https://{user}.itch.io. */
	itchBaseUrl: string;
	/** How long one check may wait for an answer. */
	timeoutMs: number;
	/** Let the "must answer" check reach loopback and private addresses (tests' local fakes only). */
	allowPrivateAddresses: boolean;
	now: () => Date;
}

/** One check a project's link can be put through. */
export interface LinkCheck {
	/** Stored in events.repo_check / demo_check: never rename one that is in use. */
	id: string;
	/** What the owner picks, e.g. "must be a public GitHub repository that exists". */
	label: string;
	/** Which link it checks. */
	link: 'repo' | 'demo';
	run(url: string, context: CheckContext): Promise<CheckOutcome>;
}
