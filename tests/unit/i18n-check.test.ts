import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The languages check CI runs (scripts/check-i18n.ts), on a small project of its own: it must catch a
// hard-coded string planted in a component or a server message, and a message missing from a language.

const script = path.resolve(import.meta.dirname, '../../scripts/check-i18n.ts');

function project(
	files: Record<string, string>,
	messages: Record<string, Record<string, string>> = {
		en: { hello: 'Hello {name}' },
		es: { hello: 'Hola {name}' }
	}
) {
	const root = mkdtempSync(path.join(tmpdir(), 'podium-i18n-'));
	const write = (file: string, text: string) => {
		mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
		writeFileSync(path.join(root, file), text);
	};
	write(
		'project.inlang/settings.json',
		JSON.stringify({
			baseLocale: 'en',
			locales: Object.keys(messages),
			'plugin.inlang.messageFormat': { pathPattern: './messages/{locale}.json' }
		})
	);
	for (const [locale, content] of Object.entries(messages))
		write(`messages/${locale}.json`, JSON.stringify(content));
	for (const [file, text] of Object.entries(files)) write(file, text);
	return root;
}

function check(root: string) {
	const run = spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
	return { passed: run.status === 0, output: run.stdout + run.stderr };
}

const clean = `<script lang="ts">
	import { m } from '$lib/paraglide/messages';
	let { name } = $props();
	const label = name ? m.hello({ name }) : '';
</script>

<h1 class="text-2xl">{m.hello({ name })}</h1>
<p>{label} · {42}</p>
<a href="/x" aria-label={m.hello({ name })}>Podium</a>
`;

describe('the languages check', () => {
	it('passes a component whose text all comes from the message files', () => {
		const result = check(project({ 'src/routes/+page.svelte': clean }));
		expect(result.output).toContain('without text outside the message files');
		expect(result.passed).toBe(true);
	});

	it('catches a hard-coded sentence planted in a page, and an attribute people hear', () => {
		const planted = clean
			.replace('<p>{label}', '<p>Vote for your favourite project {label}')
			.replace('</h1>', '</h1>\n<img src="/a.png" alt="A robot arm" />');
		const result = check(project({ 'src/routes/+page.svelte': planted }));
		expect(result.passed).toBe(false);
		expect(result.output).toContain(
			'src/routes/+page.svelte:9: text outside the message files: Vote for your favourite project ·'
		);
		expect(result.output).toContain('alt="A robot arm"');
	});

	it('catches a refusal written in a server module, and lets a marked log line be', () => {
		const server = [
			"import { RuleViolation } from './rules';",
			'export function cast(open: boolean) {',
			"\tif (!open) throw new RuleViolation('Voting has closed for this event.');",
			'\t// i18n-ignore: stored in the audit log as written',
			"\treturn { summary: 'Closed the voting by hand.' };",
			'}'
		].join('\n');
		const result = check(project({ 'src/lib/server/voting.ts': server }));
		expect(result.passed).toBe(false);
		expect(result.output).toContain(
			"src/lib/server/voting.ts:3: text outside the message files: 'Voting has closed for this event.'"
		);
		expect(result.output).not.toContain('Closed the voting by hand');
	});

	it('catches a message missing from a language, or taking other inputs', () => {
		const result = check(
			project(
				{ 'src/routes/+page.svelte': clean },
				{ en: { hello: 'Hello {name}', bye: 'Bye' }, es: { hello: 'Hola {nombre}' } }
			)
		);
		expect(result.passed).toBe(false);
		expect(result.output).toContain('messages: es: "bye" is missing');
		expect(result.output).toContain('messages: es: "hello" takes {nombre}, en {name}');
	});
});
