import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/lib/server/config';

// The facts of Dockerfile and compose.yaml that an operator relies on, read from the files: a cheap
// guard against an edit that drops one. What they do when run is checked by `npm run container:test`
// (podman; README "Deploying with containers") and tests/e2e/proxy.test.ts (nginx).

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The lines of compose.yaml's block `name:` at `indent` spaces, without the line that opens it. */
function block(lines: string[], name: string, indent: number): string[] {
	const start = lines.findIndex((line) => line === `${' '.repeat(indent)}${name}:`);
	if (start < 0) throw new Error(`compose.yaml has no ${name} at indent ${indent}`);
	const body: string[] = [];
	for (const line of lines.slice(start + 1)) {
		if (line.trim() && !line.startsWith(' '.repeat(indent + 1))) break;
		body.push(line);
	}
	return body;
}

const compose = read('compose.yaml').split('\n');
const services = block(compose, 'services', 0);

describe('Dockerfile', () => {
	const dockerfile = read('Dockerfile');
	const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

	it('the image that runs is the last stage, with production dependencies only, as a non-root user', () => {
		expect(runtime).toMatch(/^\nFROM \$\{BASE_IMAGE\} AS runtime/);
		expect(dockerfile).toContain('npm ci --omit=dev');
		expect(runtime).toContain('COPY --from=prod-deps /app/node_modules node_modules');
		expect(runtime).toMatch(/\nUSER podium\n/);
		expect(runtime).not.toMatch(/\nUSER (root|0)\b/);
	});

	it('checks its health on /health, lets the app collect garbage when idle, and runs no migration at start', () => {
		expect(runtime).toMatch(/\nHEALTHCHECK [^\n]*\\\n[^\n]*\/health/);
		expect(runtime).toMatch(/\nCMD \["node", "--expose-gc", "scripts\/serve\.mjs"\]\n/);
		expect(runtime).not.toMatch(/\n(CMD|ENTRYPOINT)[^\n]*migrate/);
	});
});

describe('compose.yaml', () => {
	it('keeps PostgreSQL data in a named volume', () => {
		expect(block(services, 'db', 2).join('\n')).toContain('- pgdata:/var/lib/postgresql/data');
		expect(block(compose, 'volumes', 0).map((line) => line.trim())).toContain('pgdata:');
	});

	it('migrates in a one-shot service that the app waits for', () => {
		const migrate = block(services, 'migrate', 2).join('\n');
		expect(migrate).toContain("command: ['prisma', 'migrate', 'deploy']");
		expect(migrate).toContain("restart: 'no'");
		const app = block(services, 'app', 2).join('\n');
		expect(app).toMatch(/depends_on:\n\s+migrate:\n\s+condition: service_completed_successfully/);
	});

	it('runs two app replicas behind nginx with deploy/nginx.conf', () => {
		expect(block(services, 'app', 2).join('\n')).toMatch(/deploy:\n\s+replicas: 2\n/);
		const proxy = block(services, 'proxy', 2).join('\n');
		expect(proxy).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
		expect(block(services, 'app', 2).join('\n')).not.toContain('ports:');
	});

	it('gives the app only settings the app reads (a misspelt one would be ignored)', () => {
		const environment = block(block(services, 'app', 2), 'environment', 4);
		const names = environment.flatMap((line) => line.match(/^ {6}([A-Z][A-Z0-9_]*):/)?.[1] ?? []);
		expect(names).toContain('ORIGIN');
		expect(names).toContain('ADDRESS_HEADER');
		expect(names.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
	});
});
