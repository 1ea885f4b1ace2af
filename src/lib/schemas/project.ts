import { z } from 'zod';
import { httpUrl, optionalText, type FieldLabel } from './forms';
import { m } from '../paraglide/messages.js';

const optionalUrl = (label: FieldLabel) =>
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
		.min(1, { error: () => m.server_project_name_required() })
		.max(120, { error: () => m.server_project_name_long() }),
	description: optionalText(5_000, m.server_label_description),
	repoUrl: optionalUrl(m.server_label_repo_link),
	demoUrl: optionalUrl(m.server_label_demo_link),
	imageUrl: optionalUrl(m.server_label_image_link),
	hoursSpent: z
		.string()
		.trim()
		.min(1, { error: () => m.server_hours_required() })
		.pipe(
			z.coerce
				.number<string>({ error: () => m.server_hours_number() })
				.min(0, { error: () => m.server_hours_negative() })
				.max(10_000, { error: () => m.server_hours_max() })
		)
});

export type ProjectInput = z.infer<typeof projectSchema>;

/** The project form of an event that asks for a demo link (or not), so the field says so with the rest. */
export function projectSchemaFor(demoRequired: boolean) {
	if (!demoRequired) return projectSchema;
	return projectSchema.refine((project) => project.demoUrl !== undefined, {
		path: ['demoUrl'],
		error: () => m.server_project_demo_required()
	});
}

export const joinProjectSchema = z.object({
	code: z
		.string()
		.trim()
		.min(1, { error: () => m.server_project_code_required() })
		.max(32, { error: () => m.server_not_a_join_code() })
});
