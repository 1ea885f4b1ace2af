// The CPU time another process of this machine has used, from /proc (Linux), for the benchmarks that
// read the app's or PostgreSQL's cost beside their own (bench-voting.mjs, bench-cast-ballot.mjs,
// bench-results.ts). CPU time hardly moves when other work shares the machine; wall time does.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time in seconds (user + system) that the process `pid` has used so far; throws once it is gone. */
export function cpuSecondsOf(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
