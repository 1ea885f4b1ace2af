// How big the scale database is. The full size is issue #11's "at scale" (100,000 people, 5,000 events,
// 30,000 projects, 1,000,000 votes); `--scale 0.01` or `--people 5000` etc. make smaller ones for testing.

export interface ScaleSizes {
	people: number;
	events: number;
	projects: number;
	/** project_collaborators rows (teammates; the owner is not one). */
	collaborators: number;
	/** event_attendees rows. */
	attendances: number;
	votes: number;
	/** People with users.platform_admin_since set. */
	admins: number;
	/** platform_audit_log rows. */
	platformAudit: number;
}

// A million votes need more than 333,334 attendances: nobody has more than 3 votes in an event, and
// only attendees of events with 20 projects or more have 3. The 300,000 attendances would allow
// at most 900,000, so the full size has 400,000 (see BENCHMARKS.md).
export const FULL_SIZES: ScaleSizes = {
	people: 100_000,
	events: 5_000,
	projects: 30_000,
	collaborators: 45_000,
	attendances: 400_000,
	votes: 1_000_000,
	admins: 5,
	platformAudit: 300
};

/** The two events the benchmark measures, at full size (scaled with the factor, and to fit). */
export const FEATURED_FULL = {
	/** In voting now: the ballot and event pages. */
	voting: { attendees: 1_500, projects: 500 },
	/** Closed, every attendee voted three times: 13,500 votes for the votes CSV and the results. */
	closed: { attendees: 4_500, projects: 500 }
};

/** Full size times `factor`, with `overrides` (absolute numbers) on top. */
export function scaledSizes(factor: number, overrides: Partial<ScaleSizes> = {}): ScaleSizes {
	if (!(factor > 0 && factor <= 10)) throw new Error(`--scale must be above 0 and at most 10, not ${factor}`);
	const sizes = Object.fromEntries(
		Object.entries(FULL_SIZES).map(([key, value]) => [key, Math.max(1, Math.round(value * factor))])
	) as unknown as ScaleSizes;
	return checkSizes({ ...sizes, ...overrides });
}

/** Refuses sizes the seed cannot make while keeping every rule. */
export function checkSizes(sizes: ScaleSizes): ScaleSizes {
	for (const [key, value] of Object.entries(sizes)) {
		if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${key} must be a whole number ≥ 0`);
	}
	const { people, events, projects, collaborators, attendances } = sizes;
	const problems = [
		people < 10 && 'at least 10 people',
		events < 3 && 'at least 3 events (two featured ones and one more)',
		projects < 2 && 'at least 2 projects (one for each featured event)',
		attendances > people * events && 'no more attendances than people × events',
		projects + collaborators > attendances / 2 &&
			'at most half as many projects + collaborators as attendances (owners and teammates attend)',
		sizes.admins > people && 'no more admins than people'
	].filter(Boolean);
	if (problems.length > 0) throw new Error(`Sizes not possible: ${problems.join('; ')}.`);
	return sizes;
}

/** Reads `--scale 0.1 --people 5000 ...` style options; unknown options are refused. */
export function sizesFromOptions(options: Record<string, unknown>): ScaleSizes {
	const overrides: Partial<ScaleSizes> = {};
	for (const key of Object.keys(FULL_SIZES) as (keyof ScaleSizes)[]) {
		const value = options[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)];
		if (typeof value === 'string') overrides[key] = Number(value);
	}
	return scaledSizes(options.scale === undefined ? 1 : Number(options.scale), overrides);
}

/** The `parseArgs` options for the sizes: `--scale` and one per size (`--platform-audit` etc.). */
export const SIZE_OPTIONS = Object.fromEntries(
	['scale', ...Object.keys(FULL_SIZES).map((key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))].map(
		(name) => [name, { type: 'string' as const }]
	)
);
