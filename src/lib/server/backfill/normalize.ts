// Field fixes: turn Airtable's loosely typed cells into values the database's columns and CHECK
// constraints accept. Each returns the value to store and, when it had to change the meaning or drop
// something, a problem for the report. Nothing is truncated: the text columns are unbounded.

import { httpUrl } from '../../schemas/forms.ts';
import { generateJoinCode } from '../join-codes.ts';

export interface Fixed<T> {
	value: T;
	problem?: string;
}

/** A text cell, cleaned of what PostgreSQL cannot store (NUL characters, lone UTF-16 surrogates). */
export function cleanText(raw: unknown): Fixed<string | null> {
	if (raw === undefined || raw === null) return { value: null };
	let text: string;
	if (typeof raw === 'string') text = raw;
	else if (typeof raw === 'number' || typeof raw === 'boolean') text = String(raw);
	else if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) text = raw.join(', ');
	else return { value: null, problem: `not text (${JSON.stringify(raw).slice(0, 80)})` };
	const clean = text.replaceAll('\u0000', '').toWellFormed();
	const trimmed = clean.trim();
	return {
		value: trimmed === '' ? null : trimmed,
		problem: clean !== text ? 'contained characters PostgreSQL cannot store (removed)' : undefined
	};
}

// The forms' rule: a link people will open must be http(s); javascript:, data:, ... would run in
// their browser.
const link = httpUrl('the link');

/** A link cell (repo, demo, image): stored only if the app's forms would accept it, else null (reported). */
export function httpLink(raw: unknown): Fixed<string | null> {
	const text = cleanText(raw).value;
	if (!text) return { value: null };
	const checked = link.safeParse(text);
	if (checked.success) {
		const changed = checked.data !== text;
		return { value: checked.data, problem: changed ? 'tabs or line breaks removed' : undefined };
	}
	// Escaped, so that line breaks or control characters in the value cannot garble the report.
	const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
	return { value: null, problem: `${shown} left empty: ${checked.error.issues[0].message}` };
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The identity of a user: trimmed and lower-cased, or null when it is not an email address. */
export function normalizeEmail(raw: unknown): string | null {
	const text = cleanText(raw).value;
	if (!text) return null;
	const email = text.toLowerCase();
	return EMAIL.test(email) ? email : null;
}

// English country names (and a few common spellings) to ISO 3166-1 alpha-2, built from the ICU data
// Node ships with, so no list needs to be kept by hand.
let countryNames: Map<string, string> | undefined;
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO', 'XA', 'XB']);
function countryCodeByName(): Map<string, string> {
	if (countryNames) return countryNames;
	countryNames = new Map();
	const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
	const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
	for (const a of letters) {
		for (const b of letters) {
			const code = a + b;
			const name = names.of(code);
			// The first code of a name wins: GB before its alias UK. Groupings are not countries.
			const key = name && countryKey(name);
			if (key && !countryNames.has(key) && !NOT_COUNTRIES.has(code)) countryNames.set(key, code);
		}
	}
	const aliases: Record<string, string> = {
		usa: 'US',
		'united states of america': 'US',
		america: 'US',
		uk: 'GB',
		england: 'GB',
		scotland: 'GB',
		wales: 'GB',
		'great britain': 'GB',
		'northern ireland': 'GB',
		uae: 'AE',
		'south korea': 'KR',
		korea: 'KR',
		'czech republic': 'CZ',
		holland: 'NL',
		'the netherlands': 'NL',
		russia: 'RU',
		vietnam: 'VN',
		'ivory coast': 'CI',
		turkey: 'TR',
		deutschland: 'DE',
		espana: 'ES',
		'hong kong': 'HK'
	};
	for (const [alias, code] of Object.entries(aliases)) countryNames.set(alias, code);
	return countryNames;
}

function countryKey(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[.()]/g, '')
		.replace(/&/g, 'and')
		.replace(/\s+/g, ' ')
		.trim();
}

const ISO_CODES = new Set(countryCodeByName().values());

/** ISO 3166-1 alpha-2 from a code in any case or an English country name; null (reported) otherwise. */
export function normalizeCountry(raw: unknown): Fixed<string | null> {
	const text = cleanText(raw).value;
	if (!text) return { value: null };
	const upper = text.toUpperCase();
	if (/^[A-Z]{2}$/.test(upper) && ISO_CODES.has(upper)) {
		return { value: upper };
	}
	const code = countryCodeByName().get(countryKey(text));
	if (code) return { value: code, problem: `"${text}" stored as ${code}` };
	return { value: null, problem: `"${text}" is not a country (left empty)` };
}

/** A YYYY-MM-DD date that exists on the calendar and lies between 1900 and today; null otherwise. */
export function parseDateOfBirth(raw: unknown, today = new Date()): Fixed<string | null> {
	const text = cleanText(raw).value;
	if (!text) return { value: null };
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (match) {
		const date = new Date(`${text}T00:00:00Z`);
		const valid = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
		if (valid && Number(match[1]) >= 1900 && date <= today) return { value: text };
	}
	return { value: null, problem: `"${text}" is not a valid date (left empty)` };
}

/** The record's creation time; Airtable always sends one, but a hand-edited snapshot might not. */
export function parseTimestamp(raw: unknown): Date | null {
	if (typeof raw !== 'string') return null;
	const date = new Date(raw);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** A lower-case URL slug: letters and digits joined by single hyphens. */
export function slugify(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9_]+/g, '-')
		.replace(/^[-_]+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/g, '');
}

export const SLUG = /^[a-z0-9][a-z0-9_-]*$/;
const JOIN_CODE = /^[A-Z0-9_-]{4,12}$/;

/** A join code as stored (upper case), or null when it cannot be one. */
export function normalizeJoinCode(raw: unknown): string | null {
	const text = cleanText(raw).value;
	if (!text) return null;
	const code = text.replace(/\s+/g, '').toUpperCase();
	return JOIN_CODE.test(code) ? code : null;
}

/** A fresh join code not in `taken`. */
export function freshJoinCode(taken: Map<string, string>): string {
	for (;;) {
		const code = generateJoinCode();
		if (!taken.has(code)) return code;
	}
}

/** The feature flags list from the comma-separated text the old base kept them in. */
export function splitFeatureFlags(raw: unknown): string[] {
	const text = cleanText(raw).value;
	if (!text) return [];
	return [
		...new Set(
			text
				.split(',')
				.map((flag) => flag.trim())
				.filter(Boolean)
		)
	];
}

/** Removes what jsonb cannot hold (NUL, lone surrogates) from every string of a parsed document. */
function cleanJson(value: unknown): unknown {
	if (typeof value === 'string') return value.replaceAll('\u0000', '').toWellFormed();
	if (Array.isArray(value)) return value.map(cleanJson);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [cleanJson(key) as string, cleanJson(item)])
		);
	}
	return value;
}

/** `cached_auto_quality`: a JSON document stored as text. Bad JSON → null, reported. */
export function parseJsonText(raw: unknown): Fixed<unknown> {
	if (raw === undefined || raw === null || raw === '') return { value: null };
	if (typeof raw !== 'string') return { value: cleanJson(raw) };
	try {
		return { value: cleanJson(JSON.parse(raw)) };
	} catch {
		return { value: null, problem: `not valid JSON (left empty): ${raw.slice(0, 60)}` };
	}
}

/** A non-negative number (hours spent); anything else → 0, reported. */
export function nonNegativeNumber(raw: unknown): Fixed<number> {
	if (raw === undefined || raw === null || raw === '') return { value: 0 };
	const number = typeof raw === 'number' ? raw : Number(String(raw).trim());
	if (!Number.isFinite(number)) return { value: 0, problem: `"${String(raw)}" is not a number (stored 0)` };
	if (number < 0) return { value: 0, problem: `${number} is negative (stored 0)` };
	return { value: number };
}

/** Record ids of a link field (always an array in the API, even for one link). */
export function linkIds(raw: unknown): string[] {
	if (typeof raw === 'string') return [raw];
	if (!Array.isArray(raw)) return [];
	return [...new Set(raw.filter((item): item is string => typeof item === 'string'))];
}
