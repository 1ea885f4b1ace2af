import { z } from 'zod';

const NOT_A_PROJECT = 'One of your picks is not a project of this event. Reload the ballot and pick again.';

/** The ballot form: one `project` checkbox per pick (absent, one value, or several). */
export const ballotSchema = z.object({
	project: z
		.union([z.string(), z.array(z.string())])
		.optional()
		.transform((value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]))
		.pipe(
			z
				.array(z.uuid(NOT_A_PROJECT))
				.min(1, 'Pick at least one project before you send your ballot.')
				.max(100, NOT_A_PROJECT)
		)
});

/** The picks of a refused ballot form, to tick the same boxes again. */
export function picksOf(values: Record<string, string | string[]> | undefined): string[] | undefined {
	if (!values) return undefined;
	const project = values.project;
	return project === undefined || project === '' ? [] : Array.isArray(project) ? project : [project];
}
