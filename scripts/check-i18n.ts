// The languages check, run in CI (npm run i18n:check): fails when
//   1. a component or a server message has user-facing text outside the message files, or
//   2. a message is missing from a language, has a key no other language has, or uses other inputs.
// Usage: node scripts/check-i18n.ts [--root DIR] [FILE ...]   (no files: every file under src/)
//
// What counts as user-facing text:
//   - in a .svelte file's markup: any text with a word in it (two letters or more), and the literal
//     values of the attributes people read or hear (placeholder, title, alt, aria-label, ...);
//   - in .ts and <script> code: a string literal that reads as a sentence (a capital, a space, and a
//     closing . ? ! or :), and any literal handed to RuleViolation, error(), fail() or a zod message.
// Text meant to stay as it is (a brand, a log line for operators, a stored audit record) says so with
// `i18n-ignore` on its line or the line above, in a comment.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? args.splice(rootAt, 2)[1] : process.cwd();

/** Words that are the same in every language. */
const SAME_EVERYWHERE = new Set([
	'Podium',
	'GitHub',
	'itch.io',
	'OIDC',
	'CSV',
	'JSON',
	'ID',
	'URL',
	'SVG',
	'PNG'
]);
// Not for attendees, owners or admins in the app: generated code, and what only the operator reads on
// the command line (the backfill's report, the configuration's refusals to start), in English.
const SKIPPED_DIRS = [
	'src/lib/paraglide',
	'src/lib/server/generated',
	'src/lib/server/backfill',
	'src/lib/server/config.ts'
];
const ATTRIBUTES =
	/\s(placeholder|title|alt|aria-label|aria-description|aria-roledescription|aria-valuetext)="([^"{]*)"/g;

type Finding = { file: string; line: number; text: string };

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		const rel = relative(root, path);
		if (SKIPPED_DIRS.some((skipped) => rel === skipped || rel.startsWith(`${skipped}/`))) continue;
		if (statSync(path).isDirectory()) walk(path, out);
		else if (/\.(svelte|ts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
	}
	return out;
}

const lineAt = (source: string, index: number) => source.slice(0, index).split('\n').length;

function ignored(source: string, line: number): boolean {
	const lines = source.split('\n');
	return [lines[line - 1], lines[line - 2]].some((text) => text?.includes('i18n-ignore'));
}

/** Whether `text` has a word people would read in a language (not a brand, a number or a symbol). */
function hasWords(text: string): boolean {
	const words = text.match(/[\p{L}][\p{L}'’.-]*[\p{L}]/gu) ?? [];
	return words.some((word) => !SAME_EVERYWHERE.has(word));
}

/** Blanks out `{...}` expressions (nested braces and strings inside them too), keeping line breaks. */
function blankExpressions(markup: string): string {
	let out = '';
	let depth = 0;
	let quote: string | null = null;
	for (let i = 0; i < markup.length; i++) {
		const c = markup[i];
		if (depth > 0) {
			if (quote) {
				if (c === '\\') {
					out += ' ';
					i++;
					out += markup[i] === '\n' ? '\n' : ' ';
					continue;
				}
				if (c === quote) quote = null;
			} else if (c === '"' || c === "'" || c === '`') quote = c;
			else if (c === '{') depth++;
			else if (c === '}') depth--;
			out += c === '\n' ? '\n' : ' ';
		} else if (c === '{') {
			depth = 1;
			out += ' ';
		} else out += c;
	}
	return out;
}

const blank = (text: string) => text.replace(/[^\n]/g, ' ');

function checkMarkup(file: string, source: string, findings: Finding[]) {
	// Scripts and styles are checked as code (below) or not at all; comments are not read by anyone.
	let markup = source.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<!--[\s\S]*?-->/g, blank);
	markup = blankExpressions(markup);
	for (const match of markup.matchAll(ATTRIBUTES)) {
		const line = lineAt(markup, match.index);
		if (hasWords(match[2]) && !ignored(source, line)) findings.push({ file, line, text: match[0].trim() });
	}
	// Tags out, text nodes left.
	const text = markup.replace(/<[^>]*>/g, (tag) => blank(tag));
	for (const match of text.matchAll(/[^\s][^\n]*/g)) {
		const line = lineAt(text, match.index);
		if (hasWords(match[0]) && !ignored(source, line))
			findings.push({ file, line, text: match[0].replace(/\s+/g, ' ').trim() });
	}
}

const SENTENCE = /(['"`])([A-Z¿¡][^'"`\n]*\s[^'"`\n]*[.?!:…])\1/g;
const HANDED_OVER =
	/(?:new RuleViolation\(|\berror\(\s*\d{3}\s*,|\bfail\(\s*\d{3}\s*,\s*\{[^}]*\bmessage:|\b(?:message|error):)\s*(['"`])([^'"`\n]*)\1/g;
const NOT_FOR_PEOPLE = /\blog\.\w+\(|console\.\w+\(|new Error\(|ConfigError|refuseToStart|process\.stderr/;

function checkCode(file: string, source: string, code: string, findings: Finding[]) {
	for (const pattern of [SENTENCE, HANDED_OVER]) {
		for (const match of code.matchAll(pattern)) {
			const line = lineAt(code, match.index);
			const lineText = source.split('\n')[line - 1] ?? '';
			if (!hasWords(match[2]) || NOT_FOR_PEOPLE.test(lineText) || ignored(source, line)) continue;
			if (lineText.trim().startsWith('//') || lineText.trim().startsWith('*')) continue;
			if (findings.some((f) => f.file === file && f.line === line)) continue;
			findings.push({ file, line, text: match[0] });
		}
	}
}

function checkFile(path: string, findings: Finding[]) {
	const file = relative(root, path);
	const source = readFileSync(path, 'utf8');
	if (path.endsWith('.svelte')) {
		checkMarkup(file, source, findings);
		// Only the scripts' code: the rest blanked, so that line numbers hold.
		const code = source.replace(/<script[\s\S]*?<\/script>|[^\n]/g, (part) => (part.length > 1 ? part : ' '));
		checkCode(file, source, code, findings);
	} else checkCode(file, source, source, findings);
}

// 2. The message files: every language has every message, with the same inputs.
function checkMessages(): string[] {
	const problems: string[] = [];
	const settings = JSON.parse(readFileSync(join(root, 'project.inlang/settings.json'), 'utf8'));
	const patterns: string[] = [settings['plugin.inlang.messageFormat'].pathPattern].flat();
	const byLocale = new Map<string, Map<string, string>>();
	for (const locale of settings.locales as string[]) {
		const messages = new Map<string, string>();
		for (const pattern of patterns) {
			const path = join(root, 'project.inlang', '..', pattern.replace('{locale}', locale));
			if (!existsSync(path)) {
				problems.push(`${relative(root, path)}: missing (every language needs every message file)`);
				continue;
			}
			for (const [key, value] of Object.entries(JSON.parse(readFileSync(path, 'utf8')))) {
				if (key === '$schema') continue;
				if (messages.has(key)) problems.push(`${locale}: "${key}" is defined twice`);
				messages.set(key, inputsOf(value));
			}
		}
		byLocale.set(locale, messages);
	}
	const base = byLocale.get(settings.baseLocale)!;
	for (const [locale, messages] of byLocale) {
		if (locale === settings.baseLocale) continue;
		for (const [key, inputs] of base) {
			if (!messages.has(key)) problems.push(`${locale}: "${key}" is missing`);
			else if (messages.get(key) !== inputs) {
				problems.push(`${locale}: "${key}" takes {${messages.get(key)}}, ${settings.baseLocale} {${inputs}}`);
			}
		}
		for (const key of messages.keys()) {
			if (!base.has(key)) problems.push(`${locale}: "${key}" is not in ${settings.baseLocale}`);
		}
	}
	return problems;
}

/** The inputs a message uses, sorted: `{name}` in a text, `input name` in a variant message. */
function inputsOf(value: unknown): string {
	const text = JSON.stringify(value);
	const inputs = new Set<string>();
	for (const match of text.matchAll(/input (\w+)/g)) inputs.add(match[1]);
	if (typeof value === 'string') for (const match of value.matchAll(/\{(\w+)\}/g)) inputs.add(match[1]);
	return [...inputs].sort().join(', ');
}

const files = args.length ? args.map((file) => join(root, file)) : walk(join(root, 'src'));
const findings: Finding[] = [];
for (const file of files) checkFile(file, findings);
const messageProblems = checkMessages();

for (const { file, line, text } of findings)
	console.log(`${file}:${line}: text outside the message files: ${text}`);
for (const problem of messageProblems) console.log(`messages: ${problem}`);
if (findings.length || messageProblems.length) {
	console.log(
		`\n${findings.length} text(s) outside the message files, ${messageProblems.length} problem(s) in them.` +
			' Move the text into messages/{locale}.json (every language) and use m.key() from $lib/paraglide/messages.'
	);
	process.exit(1);
}
console.log(
	`Languages: ${files.length} files without text outside the message files; every message in every language.`
);
