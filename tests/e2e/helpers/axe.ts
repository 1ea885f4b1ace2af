import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The WCAG levels every page is held to: 2.0, 2.1 and 2.2, A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * Checks the page as it is now with axe-core against WCAG 2.2 A and AA (with 2.0 and 2.1, which it
 * includes), and fails with each violation's rule, impact and the elements it found, so the message says
 * what to fix. `soft` records the failure and goes on, for a walk that reports every page at once.
 */
export async function expectAccessible(
	page: Page,
	label = page.url(),
	options: { soft?: boolean; rules?: string[] } = {}
) {
	// `rules` runs only those (e.g. the ones colours decide, for a second pass in another theme).
	const builder = new AxeBuilder({ page });
	const results = await (
		options.rules ? builder.withRules(options.rules) : builder.withTags(WCAG_TAGS)
	).analyze();
	const problems = results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact}): ${violation.help}\n` +
			violation.nodes.map((node) => `    ${node.target.join(' ')}`).join('\n')
	);
	(options.soft ? expect.soft : expect)(problems, `accessibility problems on ${label}`).toEqual([]);
}
