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

const entry = pathToFileURL(path.resolve(import.meta.dirname, '..', 'build', 'index.js')).href;
const requested = Number.parseInt(process.env.WEB_CONCURRENCY ?? '1', 10);
const workers = Number.isInteger(requested) && requested > 0 ? requested : 1;

if (workers === 1 || !cluster.isPrimary) {
	await import(entry);
} else if (!process.env.DATABASE_URL?.trim()) {
	console.error(
		`WEB_CONCURRENCY=${workers} needs DATABASE_URL: the embedded database can only be opened by one process.`
	);
	process.exit(1);
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
