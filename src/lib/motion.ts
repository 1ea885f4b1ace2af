// Two small motions, with the browser's Web Animations rather than Svelte's transitions: those ship their
// engine with every page's first load (1.3 KB of the ballot page's 60 KB budget) for two pages that
// use them. Both stay still for people who ask for reduced motion.

const still = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Rises an element into place as it appears, after `delay` ms; `null` shows it at once. */
export function rise(node: HTMLElement, delay: number | null) {
	if (delay === null || still()) return;
	node.animate(
		[
			{ opacity: 0, transform: 'translateY(24px)' },
			{ opacity: 1, transform: 'none' }
		],
		{
			duration: 500,
			delay,
			easing: 'cubic-bezier(0.33, 1, 0.68, 1)',
			fill: 'backwards'
		}
	);
}

/**
 * Slides a row of a list from where it was to where it is when its position (the parameter) changes: a
 * ranking that reorders, so the eye can follow a project as it climbs.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Svelte calls `update` when it changes
export function slideOnMove(node: HTMLElement, position: number) {
	let top = node.offsetTop;
	return {
		update() {
			const now = node.offsetTop;
			const moved = top - now;
			top = now;
			if (moved === 0 || still()) return;
			node.animate([{ transform: `translateY(${moved}px)` }, { transform: 'none' }], {
				duration: 300,
				easing: 'ease-out'
			});
		}
	};
}
