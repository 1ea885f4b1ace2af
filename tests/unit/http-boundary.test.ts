import { describe, expect, it } from 'vitest';
import { formOf, inspectFormBody } from '../../src/lib/server/http/form-body';
import { privateNoStore } from '../../src/lib/server/http/private-pages';
import { clientErrorLine } from '../../src/lib/server/http/refusals';
import { isStorableText } from '../../src/lib/server/http/storable-text';

// The pieces of the request boundary, on real Request objects: what is refused, with which status, and
// that what is let through can still be read by the action. The HTTP side is tests/e2e/boundary*.test.ts.

function formPost(type: string | undefined, body: BodyInit | null): Request {
	const headers: Record<string, string> = type ? { 'content-type': type } : {};
	return new Request('http://podium.test/events/x/vote', { method: 'POST', headers, body });
}

describe('isStorableText', () => {
	it('accepts any text PostgreSQL stores as it is, emoji and all', () => {
		expect(isStorableText('Ünïcødé 🏆 — "quotes" %00 \\0')).toBe(true);
	});

	it('refuses NUL and unpaired surrogates', () => {
		expect(isStorableText('a\u0000b')).toBe(false);
		expect(isStorableText('a\uD800b')).toBe(false);
		expect(isStorableText('a\uDC00')).toBe(false);
	});
});

describe('inspectFormBody', () => {
	it('lets a good form through, and the action gets the same reading of it', async () => {
		const request = formPost('application/x-www-form-urlencoded', 'project=a&project=b');
		expect(await inspectFormBody(request)).toBeUndefined();
		// The boundary read the body itself, not a copy: once per request, whoever reads it after.
		expect(request.bodyUsed).toBe(true);
		const form = await formOf(request);
		expect(form.getAll('project')).toEqual(['a', 'b']);
		expect(await formOf(request)).toBe(form);
	});

	it('answers 415 to a body that is not a form', async () => {
		for (const type of ['text/plain', 'application/json', undefined]) {
			const refusal = await inspectFormBody(formPost(type, 'email=a@example.test'));
			expect(refusal?.status).toBe(415);
			expect(refusal?.message).toContain('application/x-www-form-urlencoded or multipart/form-data');
		}
	});

	it('answers 400 to a multipart body that was cut short', async () => {
		const cut = '--XYZ\r\nContent-Disposition: form-data; name="email"\r\n\r\na@ex';
		const refusal = await inspectFormBody(formPost('multipart/form-data; boundary=XYZ', cut));
		expect(refusal).toEqual({
			status: 400,
			message: 'The form could not be read: its body is incomplete or malformed.'
		});
	});

	it('answers 400 to NUL in a field value or name, urlencoded or multipart', async () => {
		const value = await inspectFormBody(formPost('application/x-www-form-urlencoded', 'email=a%00b'));
		expect(value?.status).toBe(400);
		expect(value?.message).toBe(
			'A form field "email" contains a character that is not allowed (such as a NUL byte, %00).'
		);
		const name = await inspectFormBody(formPost('application/x-www-form-urlencoded', 'e%00mail=a'));
		expect(name?.message).toMatch(/^A form field with a name that contains/);
		const form = new FormData();
		form.append('description', 'a\u0000b');
		expect((await inspectFormBody(formPost(undefined, form)))?.status).toBe(400);
	});

	it("keeps the 413 of adapter-node's body size limit", async () => {
		const tooLarge = Object.assign(new Error('Content-length of 600000 exceeds limit of 524288 bytes.'), {
			status: 413
		});
		const body = new ReadableStream({ start: (controller) => controller.error(tooLarge) });
		const request = new Request('http://podium.test/sign-in', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body,
			duplex: 'half'
		} as RequestInit);
		expect(await inspectFormBody(request)).toEqual({
			status: 413,
			message: 'The form is too large: Content-length of 600000 exceeds limit of 524288 bytes.'
		});
	});
});

describe('privateNoStore', () => {
	it('makes any response private and unstored', () => {
		expect(privateNoStore(null)).toBe('private, no-store');
		expect(privateNoStore('public, max-age=1')).toBe('private, no-store');
		expect(privateNoStore('max-age=3600')).toBe('private, no-store');
	});

	it('keeps what a route that already said no-store adds to it', () => {
		expect(privateNoStore('private, no-store')).toBe('private, no-store');
		expect(privateNoStore('no-store')).toBe('private, no-store');
		expect(privateNoStore('no-store, no-cache, must-revalidate')).toBe(
			'private, no-store, no-cache, must-revalidate'
		);
	});
});

describe('clientErrorLine', () => {
	it('is one line: method, path, status and message', () => {
		expect(clientErrorLine('POST', '/sign-in', 415, 'Forms are sent as …')).toBe(
			'POST /sign-in → 415 Forms are sent as …'
		);
	});

	it('cannot be split into several lines by what the client sent', () => {
		const line = clientErrorLine('POST', '/a', 400, 'A form field "x\r\nGET / → 200 forged" is bad');
		expect(line.split('\n')).toHaveLength(1);
		expect(line).not.toContain('\r');
	});
});
