#!/usr/bin/env node
// `npm start`: the built app (build/, adapter-node), in WEB_CONCURRENCY processes sharing one port.
//
// One Node process uses one core for rendering and for the Prisma client; at the end-of-event rush a
// machine with more cores serves more ballots with more processes. They share a PostgreSQL server
// (DATABASE_URL): live updates already travel between processes by LISTEN/NOTIFY. The embedded
// database belongs to one process, so without DATABASE_URL the app always runs as one.
import cluster from 'node:cluster';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, parseConfig } from '../src/lib/server/config.ts';

const entry = pathToFileURL(path.resolve(import.meta.dirname, '..', 'build', 'index.js')).href;

// An idle kept-alive connection stays open 65 s (Node's own default is 5 s). A reverse proxy or load
// balancer keeps its idle connections to the app for 60 s (nginx's upstream keepalive_timeout, AWS's
// load balancers): if the app closed one first, a request the proxy sent on it at that moment would
// fail (a 502 to the person; a ballot's POST is not retried). adapter-node reads it (seconds).
process.env.KEEP_ALIVE_TIMEOUT ||= '65';

// The settings are checked once, here, before any worker starts: one sentence per problem, exit 1.
// (The app checks them again at its own start, for those who run `node build` directly.)
let workers = 1;
if (cluster.isPrimary) {
	try {
		workers = parseConfig(process.env, { production: true }).webConcurrency;
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		for (const problem of error.problems) console.error(`Podium cannot start: ${problem}`);
		process.exit(1);
	}
}

if (workers === 1 || !cluster.isPrimary) {
	await import(entry);
} else {
	let stopping = false;
	for (let i = 0; i < workers; i++) cluster.fork();
	// A worker that dies unexpectedly is replaced; one that fails at start-up stops the whole app,
	// rather than being restarted in a loop (e.g. pending migrations).
	cluster.on('exit', (worker, code, signal) => {
		if (stopping) return;
		if (code === 1) {
			stopping = true;
			for (const other of Object.values(cluster.workers ?? {})) other?.kill('SIGTERM');
			process.exitCode = 1;
			return;
		}
		console.error(`Worker ${worker.process.pid} stopped (${signal ?? code}); starting another.`);
		cluster.fork();
	});
	for (const signal of ['SIGTERM', 'SIGINT']) {
		process.on(signal, () => {
			stopping = true;
			for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
		});
	}
}
