import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	noteDatabaseReachable,
	noteDatabaseUnreachable,
	watchPool
} from '../../src/lib/server/database-status';
import { log } from '../../src/lib/server/log';

// pg says "timeout exceeded when trying to connect" both when the server cannot be reached and when a
// request waited too long for a connection of a full pool: the log must tell an overload from an outage.
const waitedTooLong = () => new Error('timeout exceeded when trying to connect');

describe('the database status in the log', () => {
	// Each test starts a minute after the last one: past the moments after an outage in which late
	// failures still count as that outage's.
	let now = Date.now();
	beforeEach(() => {
		now += 60_000;
		vi.useFakeTimers({ now });
	});
	afterEach(() => {
		noteDatabaseReachable();
		watchPool(() => false);
		vi.restoreAllMocks();
		vi.useRealTimers();
	});

	it('calls a wait for a full pool that the database is answering on an overload, not an outage', () => {
		const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
		const info = vi.spyOn(log, 'info').mockImplementation(() => {});
		watchPool(() => true);
		noteDatabaseUnreachable(waitedTooLong(), true);
		noteDatabaseUnreachable(waitedTooLong(), true);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0].at(-1))).toMatch(/^Overloaded: .*the database is reachable/);
		// No outage began, so none ends.
		noteDatabaseReachable();
		expect(info).not.toHaveBeenCalled();
	});

	it('calls the same words an outage when the pool is not full of answered connections', () => {
		const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
		const info = vi.spyOn(log, 'info').mockImplementation(() => {});
		noteDatabaseUnreachable(waitedTooLong(), true);
		expect(String(warn.mock.calls[0].at(-1))).toMatch(/^The database is unreachable \(timeout exceeded/);
		noteDatabaseReachable();
		expect(String(info.mock.calls[0].at(-1))).toMatch(
			/reachable again after .*1 request\(s\) were answered 503/
		);
	});

	it('calls a refused connection an outage even while the pool is busy', () => {
		const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
		watchPool(() => true);
		noteDatabaseUnreachable(
			Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
		);
		expect(String(warn.mock.calls[0].at(-1))).toMatch(/^The database is unreachable \(ECONNREFUSED/);
	});

	// Seen in the browser test of a database crash: after the restart, the pool's first connection ended
	// the outage, then a request whose connection had been tried while the server was still starting
	// failed with 57P03, and the log announced a second outage that never was.
	it('counts a failure reported just after the database came back as part of the outage that ended', () => {
		const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
		const info = vi.spyOn(log, 'info').mockImplementation(() => {});
		const starting = () =>
			Object.assign(new Error('the database system is not yet accepting connections'), { code: '57P03' });
		noteDatabaseUnreachable(
			Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined }),
			true
		);
		vi.advanceTimersByTime(10_000);
		noteDatabaseReachable();
		vi.advanceTimersByTime(300);
		noteDatabaseUnreachable(starting(), true);
		noteDatabaseReachable();
		expect(warn).toHaveBeenCalledTimes(1);
		expect(info).toHaveBeenCalledTimes(1);
		expect(String(info.mock.calls[0].at(-1))).toMatch(/reachable again after 10 s; 1 request/);

		// A failure a few seconds later is a new outage, logged as one.
		vi.advanceTimersByTime(5_000);
		noteDatabaseUnreachable(starting(), true);
		expect(warn).toHaveBeenCalledTimes(2);
		expect(String(warn.mock.calls[1].at(-1))).toMatch(/^The database is unreachable \(57P03/);
	});

	it('gives the reason Prisma was told, not only its code', () => {
		const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
		const prismaError = Object.assign(
			new Error(
				'\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Connection terminated unexpectedly`'
			),
			{ code: 'P2010' }
		);
		noteDatabaseUnreachable(prismaError, true);
		expect(String(warn.mock.calls[0].at(-1))).toMatch(
			/^The database is unreachable \(P2010 Raw query failed\. .*Connection terminated unexpectedly`\)/
		);
	});
});
