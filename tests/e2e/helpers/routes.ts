import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The app's routes as the file system declares them, for tests that must reach every page, endpoint
// and form action: a route added later is walked without anyone editing the test.

export interface RouteInfo {
	/** The route id, e.g. `/events/[slug]/admin`. */
	id: string;
	/** The names of its parameters, e.g. `['slug']`. */
	params: string[];
	/** It renders a page (+page.svelte, or +page@….svelte). */
	page: boolean;
	/** It has a +server.ts (an endpoint answering GET). */
	endpoint: boolean;
	/** The names in `export const actions` of its +page.server.ts. */
	actions: string[];
	/** Form field names (`name="…"`) of its page and of the components that page imports. */
	fields: string[];
}

const ROUTES_DIR = path.resolve('src/routes');
const LIB_DIR = path.resolve('src/lib');

/** The keys of `export const actions = { … }`: written one per line at the object's first indent. */
export function actionNames(source: string): string[] {
	const start = source.indexOf('export const actions');
	if (start < 0) return [];
	return [...source.slice(start).matchAll(/^\t(\w+)\s*:/gm)].map((match) => match[1]);
}

/** Field names of a Svelte file: `name="…"`, and the first argument of a field snippet `field('…'`. */
function fieldNamesIn(source: string): string[] {
	const attributes = [...source.matchAll(/\sname="([^"{}]+)"/g)].map((match) => match[1]);
	const snippets = [...source.matchAll(/@render\s+field\('([^']+)'/g)].map((match) => match[1]);
	return [...attributes, ...snippets];
}

/** The Svelte components a Svelte file imports from `$lib` or by a relative path. */
function importedComponents(file: string, source: string): string[] {
	return [...source.matchAll(/from '([^']+\.svelte)'/g)].map(([, spec]) =>
		spec.startsWith('$lib/') ? path.join(LIB_DIR, spec.slice(5)) : path.resolve(path.dirname(file), spec)
	);
}

/** Field names of the given Svelte files and, transitively, of the components they import. */
function collectFields(files: string[]): string[] {
	const seen = new Set<string>();
	const names = new Set<string>();
	const visit = (file: string) => {
		if (seen.has(file) || !existsSync(file)) return;
		seen.add(file);
		const source = readFileSync(file, 'utf8');
		for (const name of fieldNamesIn(source)) names.add(name);
		for (const component of importedComponents(file, source)) visit(component);
	};
	files.forEach(visit);
	return [...names].sort();
}

/** Every route under src/routes, sorted by id. Route groups `(name)` do not appear in the id. */
export function discoverRoutes(): RouteInfo[] {
	const routes: RouteInfo[] = [];
	const walk = (dir: string, segments: string[]) => {
		const entries = readdirSync(dir, { withFileTypes: true });
		const files = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
		const pageFiles = files.filter((name) => /^\+page(@[^.]*)?\.svelte$/.test(name));
		const endpoint = files.includes('+server.ts');
		const serverFile = path.join(dir, '+page.server.ts');
		const actions = existsSync(serverFile) ? actionNames(readFileSync(serverFile, 'utf8')) : [];
		if (pageFiles.length > 0 || endpoint || actions.length > 0) {
			const id = '/' + segments.filter((segment) => !/^\(.*\)$/.test(segment)).join('/');
			routes.push({
				id,
				params: [...id.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1]),
				page: pageFiles.length > 0,
				endpoint,
				actions,
				fields: collectFields(pageFiles.map((name) => path.join(dir, name)))
			});
		}
		for (const entry of entries) {
			if (entry.isDirectory()) walk(path.join(dir, entry.name), [...segments, entry.name]);
		}
	};
	walk(ROUTES_DIR, []);
	return routes.sort((a, b) => a.id.localeCompare(b.id));
}

/** The route's path with each `[param]` replaced by the given (already encoded) value. */
export function pathOf(route: RouteInfo, values: Record<string, string>): string {
	return route.id.replace(/\[([^\]]+)\]/g, (_, name: string) => {
		const value = values[name];
		if (value === undefined) throw new Error(`No value for [${name}] in ${route.id}`);
		return value;
	});
}
