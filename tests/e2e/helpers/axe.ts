import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Checks the page as it is now with axe-core against WCAG 2.1 A and AA, and fails with each violation's
 * rule, impact and the elements it found, so the message says what to fix.
 */
export async function expectAccessible(page: Page, label = page.url()) {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	const problems = results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact}): ${violation.help}\n` +
			violation.nodes.map((node) => `    ${node.target.join(' ')}`).join('\n')
	);
	expect(problems, `accessibility problems on ${label}`).toEqual([]);
}
