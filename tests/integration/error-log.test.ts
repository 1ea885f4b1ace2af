import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleError } from '../../src/hooks.server';
import { inRequest, log } from '../../src/lib/server/log';

// An unexpected error: the person sees a reference, and the log line with the error carries that same
// reference and the request's id, so that the operator can find it (and the rest of the request).

function eventFor(path: string) {
	const url = new URL(`http://localhost${path}`);
	return {
		url,
		request: new Request(url, { method: 'POST' }),
		route: { id: '/events/[slug]/vote' }
	} as unknown as RequestEvent;
}

afterEach(() => vi.restoreAllMocks());

describe('handleError', () => {
	it('logs an unexpected error with its stack, the reference shown and the request id', async () => {
		const error = vi.spyOn(log, 'error').mockImplementation(() => {});
		const boom = new Error('relation "votes" does not exist');
		const shown = await inRequest('req-for-error-0001', () =>
			handleError({ error: boom, event: eventFor('/events/x/vote'), status: 500, message: 'Internal Error' })
		);
		const reference = /reference ([0-9a-f-]{36})/.exec(String(shown?.message))?.[1];
		expect(shown?.message).toBe(`Something went wrong on our side (reference ${reference}).`);
		expect(shown?.message).not.toContain('votes');
		expect(error).toHaveBeenCalledOnce();
		const [fields, message] = error.mock.calls[0] as unknown as [Record<string, unknown>, string];
		expect(fields).toMatchObject({
			err: boom,
			reference,
			method: 'POST',
			path: '/events/x/vote',
			route: '/events/[slug]/vote'
		});
		expect(message).toBe(`Unexpected error (reference ${reference})`);
	});

	it('puts the request id on the line itself (the logger adds it while a request is handled)', async () => {
		const lines: string[] = [];
		const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
			lines.push(String(chunk));
			return true;
		});
		inRequest('req-for-error-0002', () => log.error('inside'));
		log.error('outside');
		write.mockRestore();
		expect(lines.find((line) => line.includes('inside'))).toContain('requestId=req-for-error-0002');
		expect(lines.find((line) => line.includes('outside'))).not.toContain('requestId');
	});
});
