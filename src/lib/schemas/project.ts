import { z } from 'zod';
import { httpUrl, optionalText } from './forms';

const optionalUrl = (label: string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((value) => (value ? value : undefined))
		.pipe(httpUrl(label).optional());

/** The details of a project, as the create and edit forms send them. */
export const projectSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Give the project a name.')
		.max(120, 'The name can be at most 120 characters.'),
	description: optionalText(5_000, 'The description'),
	repoUrl: optionalUrl('The repository link'),
	demoUrl: optionalUrl('The demo link'),
	imageUrl: optionalUrl('The image link'),
	hoursSpent: z
		.string()
		.trim()
		.min(1, 'Say how many hours the team spent (0 is fine).')
		.pipe(
			z.coerce
				.number<string>({ error: 'Hours spent must be a number.' })
				.min(0, 'Hours spent cannot be negative.')
				.max(10_000, 'Hours spent must be at most 10,000.')
		)
});

export type ProjectInput = z.infer<typeof projectSchema>;

/** The project form of an event that asks for a demo link (or not), so the field says so with the rest. */
export function projectSchemaFor(demoRequired: boolean) {
	if (!demoRequired) return projectSchema;
	return projectSchema.refine((project) => project.demoUrl !== undefined, {
		path: ['demoUrl'],
		message: 'This event asks for a demo link: add one.'
	});
}

export const joinProjectSchema = z.object({
	code: z.string().trim().min(1, "Type the project's join code.").max(32, 'That is not a join code.')
});
