import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** How to run a script: its opening comment (after a `#!` line), without the comment marks. */
export function usageOf(scriptUrl: string): string {
	const lines = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n');
	const usage = [];
	for (const line of lines.slice(lines[0]?.startsWith('#!') ? 1 : 0)) {
		if (!line.startsWith('//')) break;
		usage.push(line.replace(/^\/\/ ?/, ''));
	}
	return usage.join('\n');
}

/**
 * The options of a benchmark or operator script (node:util parseArgs, which refuses what it does not
 * know). `--help` prints the script's opening comment, which says how to run it. An unknown option, or
 * one without its value, is said in one line with a pointer to --help, and the script exits with 2:
 * never a stack trace.
 */
export function commandLine<O extends ParseArgsOptionsConfig>(
	scriptUrl: string,
	options: O,
	{ allowNegative = false }: { allowNegative?: boolean } = {}
) {
	const args = process.argv.slice(2);
	const name = path.basename(fileURLToPath(scriptUrl));
	if (args.includes('--help') || args.includes('-h')) {
		console.log(usageOf(scriptUrl));
		process.exit(0);
	}
	try {
		return parseArgs({ args, options, allowNegative });
	} catch (error) {
		const message = (error as Error).message.replace(/\.?$/, '.');
		console.error(`${name}: ${message} Run it with --help to see what it takes.`);
		process.exit(2);
	}
}
