import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/lib/server/config';

// The operator's two lists of settings, README "Configuration" (its first table) and .env.example,
// name exactly the variables the config module reads: none missing, none that the app ignores.

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function readmeVariables(): string[] {
	const readme = read('README.md');
	const section = readme.slice(readme.indexOf('\n## Configuration\n'));
	const table = section.slice(section.indexOf('\n| variable'));
	const rows = table.slice(1, table.indexOf('\n\n')).split('\n').slice(2);
	return rows.flatMap((row) => [...row.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

function envExampleVariables(): string[] {
	return [...read('.env.example').matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
}

describe('the lists of settings', () => {
	it('README "Configuration" lists every variable the config module reads, and nothing else', () => {
		expect(readmeVariables().sort()).toEqual([...CONFIG_VARIABLES].sort());
	});

	it('.env.example lists every variable the config module reads, once each, and nothing else', () => {
		const listed = envExampleVariables();
		expect(listed.sort()).toEqual([...CONFIG_VARIABLES].sort());
	});

	it('nothing else in src/ reads the environment (the backfill command has settings of its own)', () => {
		// backup.ts hands the environment on to pg_dump (with PGPASSWORD added), reading nothing in it.
		const allowed = new Set([
			'src/lib/server/config.ts',
			'src/lib/server/backfill/cli.ts',
			'src/lib/server/backup.ts'
		]);
		const files = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
			.map((file) => path.join('src', file))
			.filter((file) => /\.(ts|js|svelte)$/.test(file) && !file.includes('/generated/'));
		expect(files.length).toBeGreaterThan(50);
		const readers = files.filter((file) => !allowed.has(file) && /process\.env|\$env\//.test(read(file)));
		expect(readers).toEqual([]);
	});
});
