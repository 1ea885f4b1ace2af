import { randomInt } from 'node:crypto';

// No O/0 or I/1: new codes are read aloud and copied from screens. 32⁶ ≈ 10⁹ codes.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

/** A new random join code for an event or a project. */
export function generateJoinCode(): string {
	let code = '';
	for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
	return code;
}

/**
 * A typed code as stored: codes are case-insensitive. Imported 4-character codes may hold `-` and `_`,
 * so those stay; spaces people add while reading a code aloud go.
 */
export function normalizeJoinCode(input: string): string {
	return input.replace(/\s+/g, '').toUpperCase();
}
