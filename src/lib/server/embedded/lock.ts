// One process per embedded database directory. PGlite does not lock its files: a second process on
// the same directory serves writes that are lost on restart, and can leave the directory unable to
// open. So the directory holds a lock file, taken before PGlite opens anything. It is a pid file rather
// than an flock() (which Node cannot do): the refused process can then name the process holding it.

import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The lock's file name inside the database directory. */
export const LOCK_FILE = 'podium.lock';

/** The directory is in use (or cannot be locked); the message is a sentence for the operator. */
export class EmbeddedLockError extends Error {}

interface Holder {
	pid: number;
	/** From /proc/<pid>/stat (Linux): tells the holder from a later process that got the same pid. */
	startTime: string | null;
	/** A pid and start time are only meaningful until the machine restarts. */
	bootId: string | null;
	since: string;
	command: string;
}

/**
 * Takes the lock of the database directory `dir`, or throws EmbeddedLockError naming the running
 * process that holds it. A lock left by a process that is gone (killed, crashed) is taken over.
 * Returns the function that releases it; it is also released when this process exits.
 */
export function lockEmbeddedDirectory(dir: string): () => void {
	const file = path.join(dir, LOCK_FILE);
	const own = `${JSON.stringify(describeThisProcess())}\n`;
	// Waits are short: another process is taking over a stale lock, which takes a few system calls.
	for (let attempt = 0; attempt < 200; attempt++) {
		if (createExclusively(file, own)) {
			const release = () => {
				process.off('exit', release);
				try {
					if (read(file) === own) unlinkSync(file);
				} catch {
					// Left behind, the lock names a process that is gone: the next one takes it over.
				}
			};
			process.on('exit', release);
			return release;
		}
		const current = read(file);
		if (current === undefined) continue; // released meanwhile
		const holder = parse(current);
		if (holder && isRunning(holder)) {
			// The operator's start-up and command-line refusals, in English.
			const since = formatTime(holder.since);
			const what = `process ${holder.pid} (${holder.command}) since ${since}`;
			const instead = 'set DATABASE_URL to use a PostgreSQL server instead'; // i18n-ignore
			throw new EmbeddedLockError(
				// i18n-ignore
				`The embedded database at ${dir} is already in use by ${what}: stop that process first, or ${instead}.`
			);
		}
		if (!removeStale(file, current)) sleep(10);
	}
	throw new EmbeddedLockError(
		// i18n-ignore
		`The embedded database at ${dir} could not be locked: other processes kept taking it over. Try again.`
	);
}

/**
 * Removes `target` if it still holds `content`, written by a process that is gone. Returns false when
 * another process is doing it (then wait and look again). Only the process that creates the guard
 * file named after `content` may remove it: two newcomers that found the same stale lock cannot both
 * take over, nor can one remove the lock the other has just taken.
 */
function removeStale(target: string, content: string, lockFile = target): boolean {
	const guard = `${lockFile}.takeover-${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
	const own = `${JSON.stringify(describeThisProcess())}\n`;
	if (!createExclusively(guard, own)) {
		const other = read(guard);
		if (other === undefined) return true;
		const taker = parse(other);
		if (taker && isRunning(taker)) return false;
		// The taker died within those few system calls: its guard is stale in turn.
		return removeStale(guard, other, lockFile);
	}
	try {
		if (read(target) === content) unlinkSync(target);
	} finally {
		unlinkSync(guard);
	}
	return true;
}

/** Creates `file` with `content` unless it exists. Atomic: no one ever reads it half written. */
function createExclusively(file: string, content: string): boolean {
	const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
	writeFileSync(draft, content, { flag: 'wx' });
	try {
		linkSync(draft, file);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		unlinkSync(draft);
	}
}

function read(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** The holder a lock file names; undefined for a damaged file, which is then treated as stale. */
function parse(content: string): Holder | undefined {
	try {
		const holder = JSON.parse(content);
		const valid =
			Number.isInteger(holder.pid) &&
			holder.pid > 0 &&
			typeof holder.since === 'string' &&
			typeof holder.command === 'string';
		return valid ? holder : undefined;
	} catch {
		return undefined;
	}
}

function isRunning(holder: Holder): boolean {
	const boot = readProc('/proc/sys/kernel/random/boot_id');
	if (holder.bootId && boot && holder.bootId !== boot) return false;
	try {
		process.kill(holder.pid, 0);
	} catch (error) {
		// EPERM: it runs, as another user.
		if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
	}
	const stat = readStat(holder.pid);
	// A zombie has exited (it waits for its parent to collect its exit status).
	if (stat?.state === 'Z' || stat?.state === 'X') return false;
	return !(stat && holder.startTime && stat.startTime !== holder.startTime);
}

function describeThisProcess(): Holder {
	const command = [path.basename(process.argv0), ...process.argv.slice(1)].join(' ');
	return {
		pid: process.pid,
		startTime: readStat(process.pid)?.startTime ?? null,
		bootId: readProc('/proc/sys/kernel/random/boot_id'),
		since: new Date().toISOString(),
		command: command.length > 200 ? `${command.slice(0, 199)}…` : command
	};
}

/** Fields 3 and 22 of /proc/<pid>/stat: the state, and the start in clock ticks after boot. */
function readStat(pid: number): { state: string; startTime: string } | null {
	const stat = readProc(`/proc/${pid}/stat`);
	// Field 2, the command name, is in parentheses and may itself contain spaces and parentheses.
	const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
	return fields && fields.length > 19 ? { state: fields[0], startTime: fields[19] } : null;
}

/** A /proc file's text; null where there is no /proc (macOS) or it cannot be read. */
function readProc(file: string): string | null {
	try {
		return readFileSync(file, 'utf8').trim();
	} catch {
		return null;
	}
}

function formatTime(iso: string): string {
	const time = new Date(iso);
	return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function sleep(ms: number) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
