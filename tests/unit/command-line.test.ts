import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The benchmark and operator scripts, as someone runs them from a shell: --help says how to run one,
// and a wrong option is one line and exit status 2, not a stack trace (scripts/command-line.ts).

const root = path.resolve(import.meta.dirname, '../..');
const run = (script: string, ...args: string[]) =>
	spawnSync(process.execPath, [path.join(root, 'scripts', script), ...args], {
		cwd: root,
		encoding: 'utf8',
		env: { ...process.env, NODE_OPTIONS: '' }
	});

describe('the scripts’ command lines', () => {
	it('--help prints how to run the script, from its opening comment', () => {
		const help = run('bench-cast-ballot.mjs', '--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^`node scripts\/bench-cast-ballot\.mjs --compare <other migrations dir>`/);
		expect(help.stdout).toContain('--batch B');
		expect(help.stdout).not.toContain('import ');
	});

	it('an unknown option or a missing value is one line, exit status 2', () => {
		for (const [script, args, said] of [
			['seed-scale.ts', ['--peeople', '10'], "Unknown option '--peeople'."],
			['bench-voting.mjs', ['--runs'], "Option '--runs <value>' argument missing."]
		] as const) {
			const result = run(script, ...args);
			expect(result.status).toBe(2);
			expect(result.stderr.trim()).toBe(`${script}: ${said} Run it with --help to see what it takes.`);
			expect(result.stdout).toBe('');
		}
	});
});
