import { demoAnswers, itchPlayable } from './demo.ts';
import { githubPublicRepo } from './github.ts';
import type { LinkCheck } from './types.ts';

// Every check an event's owner can choose. A new one is a LinkCheck (types.ts) in a file of its own and
// a line here; its id is what events.repo_check / demo_check store, and the settings form offers it.

const CHECKS: LinkCheck[] = [githubPublicRepo, demoAnswers, itchPlayable];

/** "none" or a check's id: what the event stores when no check is chosen. */
export const NO_CHECK = 'none';

/** The checks of one link, for the settings form's choices. */
export function checksFor(link: LinkCheck['link']): { id: string; label: string }[] {
	return CHECKS.filter((check) => check.link === link).map(({ id, label }) => ({ id, label }));
}

/** The check with this id for that link; undefined for "none" and for ids this version does not know. */
export function findCheck(link: LinkCheck['link'], id: string): LinkCheck | undefined {
	return CHECKS.find((check) => check.link === link && check.id === id);
}
