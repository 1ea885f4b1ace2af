// Kept apart from the ballot's zod schema (src/lib/schemas/ballot.ts): the ballot page imports this, and
// zod would otherwise be shipped to every voter's phone for one small function.

/** The picks of a refused ballot form, to tick the same boxes again. */
export function picksOf(values: Record<string, string | string[]> | undefined): string[] | undefined {
	if (!values) return undefined;
	const project = values.project;
	return project === undefined || project === '' ? [] : Array.isArray(project) ? project : [project];
}
