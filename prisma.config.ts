import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma's CLI downloads a native schema engine, which these machines (and air-gapped installs) cannot
// reach. Our script speaks the same protocol over Prisma's WebAssembly engine; see README "Migrations".
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve(
	import.meta.dirname,
	'scripts/prisma-schema-engine.mjs'
);

export default defineConfig({
	schema: 'prisma/schema.prisma',
	migrations: {
		path: 'prisma/migrations',
		seed: 'node prisma/seed.ts'
	},
	datasource: {
		// The CLI only talks to a server: the embedded database is migrated by the app itself.
		url: process.env.DATABASE_URL ?? '',
		shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL
	}
});
