import { describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../src/lib/server/http/compression';

describe('chooseEncoding', () => {
	it('prefers brotli, then gzip, as the client allows', () => {
		expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(chooseEncoding('gzip, deflate')).toBe('gzip');
		expect(chooseEncoding('GZIP')).toBe('gzip');
		expect(chooseEncoding('*')).toBe('br');
	});

	it('sends nothing compressed to a client that does not ask, or refuses with q=0', () => {
		expect(chooseEncoding(null)).toBeNull();
		expect(chooseEncoding('')).toBeNull();
		expect(chooseEncoding('identity')).toBeNull();
		expect(chooseEncoding('br;q=0, gzip;q=0')).toBeNull();
		expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
		expect(chooseEncoding('*;q=0')).toBeNull();
		expect(chooseEncoding('br;q=zero')).toBeNull();
	});
});
