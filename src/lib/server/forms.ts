import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { fieldErrors, formValues } from '$lib/schemas/forms';
import { formOf } from './http/form-body.ts';
import { m } from '../paraglide/messages.js';
import './i18n/zod.ts';

type Values = Record<string, string | string[]>;
export type FormFailure = ActionFailure<{ errors: Record<string, string>; values: Values; message?: string }>;

/**
 * Parses a form action's body with its zod schema. On bad input returns a `fail(400)` carrying the field
 * errors and what was typed, so that the form shows the errors and refills.
 */
export async function parseForm<S extends z.ZodType>(
	request: Request,
	schema: S
): Promise<{ data: z.output<S>; values: Values; failure?: never } | { failure: FormFailure }> {
	const values = formValues(await formOf(request));
	const result = schema.safeParse(values);
	if (!result.success) {
		const errors = fieldErrors(result.error);
		return { failure: fail(400, { errors, values, message: m.server_form_correct_fields() }) };
	}
	return { data: result.data, values };
}
