import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers/axe';
import { buildWalk, PAGES, signInByForms, type Walk, type WalkRole } from './helpers/page-walk';
import { onServer } from './helpers/platform';
import { discoverRoutes } from './helpers/routes';

// Issue 13, items 3, 8 and 9: every page, as a visitor, an attendee, an owner and a platform admin see
// it on a 360 px phone: nothing scrolls sideways, every form field shows where the focus is, and axe
// (WCAG 2.2 A and AA) finds nothing, in the light theme and in the dark one. One browser context per
// role, the pages one after the other.

let walk: Walk;
// Each failure names the page and what to fix (elements, axe rules): a trace of 50 pages adds only time.
test.use({ trace: 'off' });

test.beforeAll(async ({ browser, baseURL }) => {
	test.setTimeout(90_000);
	walk = await buildWalk(browser, baseURL!);
});
test.afterAll(async () => {
	for (const context of Object.values(walk?.contexts ?? {})) await context.close();
});

test('every page under src/routes is in the walk', () => {
	const walked = new Set(PAGES.map((page) => page.route));
	const missing = discoverRoutes()
		.filter((route) => route.page)
		.map((route) => route.id)
		.filter((id) => !walked.has(id));
	expect(missing, 'pages to add to PAGES in tests/e2e/helpers/page-walk.ts').toEqual([]);
});

// axe's rules whose outcome depends on colours: text contrast, and links told apart from text around them.
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/** Form fields that would show no focus indicator when focused (no outline, no ring). */
function fieldsWithoutFocusRing(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const fields = document.querySelectorAll<HTMLElement>(
			'input:not([type=hidden]), select, textarea, button, summary'
		);
		const bare: string[] = [];
		for (const field of fields) {
			if (!field.checkVisibility({ visibilityProperty: true }) || (field as HTMLInputElement).disabled)
				continue;
			field.focus({ preventScroll: true });
			const style = getComputedStyle(field);
			const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
			if (!outlined && style.boxShadow === 'none') {
				bare.push(`${field.tagName.toLowerCase()}[name=${field.getAttribute('name') ?? ''}]`);
			}
			field.blur();
		}
		return bare;
	});
}

/** The page's width, and the innermost elements that reach past the screen's right edge. */
function measureWidth(page: Page): Promise<{ width: number; overflowing: string[] }> {
	return page.evaluate(() => {
		const edge = document.documentElement.clientWidth;
		const overflowing = [...document.body.querySelectorAll<HTMLElement>('*')]
			.filter((element) => element.checkVisibility() && element.getBoundingClientRect().right > edge + 0.5)
			.filter(
				(element) => ![...element.children].some((child) => child.getBoundingClientRect().right > edge + 0.5)
			)
			.slice(0, 5)
			.map(
				(element) =>
					`${element.tagName.toLowerCase()}.${element.className} "${element.textContent?.slice(0, 40)}"`
			);
		return { width: document.documentElement.scrollWidth, overflowing };
	});
}

async function checkPage(page: Page, path: string, status: number) {
	const response = await page.goto(path);
	expect.soft(response?.status(), `status of ${path}`).toBe(status);
	const { width, overflowing } = await measureWidth(page);
	expect
		.soft(width, `width of ${path} at 360 px; too wide: ${overflowing.join(', ')}`)
		.toBeLessThanOrEqual(360);
	expect.soft(await fieldsWithoutFocusRing(page), `fields of ${path} without a focus ring`).toEqual([]);
	await expectAccessible(page, `${path} (light)`, { soft: true });
	// The dark theme changes colours only (the same document): the rules that colours decide.
	await page.emulateMedia({ colorScheme: 'dark' });
	await expectAccessible(page, `${path} (dark)`, { soft: true, rules: COLOUR_RULES });
	await page.emulateMedia({ colorScheme: 'light' });
}

const ROLES: WalkRole[] = ['visitor', 'attendee', 'owner', 'admin'];
for (const role of ROLES) {
	test(`the ${role}'s pages on a 360 px phone, light and dark`, async () => {
		test.skip(role === 'admin' && !onServer, 'the platform admin is made by the operator command');
		test.setTimeout(300_000);
		const context = walk.contexts[role]!;
		const page = await context.newPage();
		for (const entry of PAGES.filter((candidate) => candidate.roles.includes(role))) {
			// The visitor's last page is the first sign-in's profile step.
			if (entry.route === '/welcome') await signInByForms(context, walk.origin, 'Vic', false);
			await checkPage(page, entry.path(walk), entry.status ?? 200);
		}
		await page.close();
	});
}
