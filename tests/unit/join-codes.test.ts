import { describe, expect, it } from 'vitest';
import { generateJoinCode, normalizeJoinCode } from '../../src/lib/server/join-codes';

describe('join codes', () => {
	it('are 6 characters that cannot be confused when read aloud', () => {
		const codes = Array.from({ length: 2_000 }, generateJoinCode);
		for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
		// Random, not sequential: 2,000 draws from ~10⁹ codes practically never repeat.
		expect(new Set(codes).size).toBeGreaterThan(1_990);
	});

	it('are typed case-insensitively, with stray spaces ignored, keeping imported codes intact', () => {
		expect(normalizeJoinCode(' ab3 xyz ')).toBe('AB3XYZ');
		expect(normalizeJoinCode('a-_z')).toBe('A-_Z');
	});
});
