import { describe, expect, it } from 'vitest';
import { clientErrorLine } from '../../src/lib/server/http/refusals';

// The pieces of the request boundary, on real Request objects: what is refused, with which status, and
// that what is let through can still be read by the action. The HTTP side is tests/e2e/boundary*.test.ts.

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
