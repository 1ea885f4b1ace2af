import { isStorableText, notAllowed } from './storable-text';
import type { Refusal } from './refusals';
import { m } from '$lib/paraglide/messages';
import { intlLocale } from '$lib/intl';

// Every POST in this app is a form action, sent by a browser as one of these two types (use:enhance
// sends the first). SvelteKit itself also lets text/plain through to actions, where request.formData()
// then throws a TypeError: a 500 for what is the client's mistake.
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

function mediaType(contentType: string | null): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The status an error carries, as adapter-node's 413 for a body over BODY_SIZE_LIMIT does. */
function statusOf(error: unknown): number | undefined {
	const carried = (error as { status?: unknown; cause?: { status?: unknown } } | null) ?? {};
	const status = carried.status ?? carried.cause?.status;
	return typeof status === 'number' ? status : undefined;
}

/** The refusal of a field: its name quoted, short, and only when the name is itself printable text. */
function fieldRefusal(name: string): string {
	return isStorableText(name)
		? m.server_form_field_not_allowed({ name: name.slice(0, 60), what: notAllowed() })
		: m.server_form_field_name_not_allowed({ what: notAllowed() });
}

// A body can be read once. Every reader of a form post (the boundary below, the maintenance check, the
// action) gets the same reading through formOf: a clone per reader cost a ballot about 0.1 ms. Reading
// `request.formData()` itself after the boundary would fail, so eslint.config.js allows it only here.
const forms = new WeakMap<Request, Promise<FormData>>();

/** The form a POST carries, read from its body once per request, by whoever asks first. */
export function formOf(request: Request): Promise<FormData> {
	let form = forms.get(request);
	if (!form) {
		form = request.formData();
		forms.set(request, form);
	}
	return form;
}

/**
 * Why the body of a form post cannot be used, if it cannot: not a form (415), unreadable or cut short
 * (400), too large (413), or a field name or value PostgreSQL cannot store (400).
 */
export async function inspectFormBody(request: Request): Promise<Refusal | undefined> {
	const type = mediaType(request.headers.get('content-type'));
	if (!FORM_TYPES.includes(type)) {
		const types = new Intl.ListFormat(intlLocale(), { type: 'disjunction' }).format(FORM_TYPES);
		return {
			status: 415,
			message: type
				? m.server_form_type({ types, type: type.slice(0, 80) })
				: m.server_form_type_missing({ types })
		};
	}
	let form: FormData;
	try {
		form = await formOf(request);
	} catch (error) {
		if (statusOf(error) === 413) {
			return { status: 413, message: m.server_form_too_large({ detail: (error as Error).message }) };
		}
		return { status: 400, message: m.server_form_unreadable() };
	}
	for (const [name, value] of form) {
		const text = typeof value === 'string' ? value : value.name;
		if (!isStorableText(name) || !isStorableText(text)) {
			return { status: 400, message: fieldRefusal(name) };
		}
	}
	return undefined;
}
