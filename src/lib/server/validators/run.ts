import { config } from '../config.ts';
import { db } from '../db.ts';
import { log } from '../log.ts';
import { consumeRateLimit } from '../rate-limit.ts';
import { RuleViolation } from '../rules.ts';
import { findCheck } from './registry.ts';
import type { CheckContext, CheckOutcome } from './types.ts';
import { m } from '../../paraglide/messages.js';

// A project's links are checked after it is saved and on "Check again", never while the person waits:
// the save writes a `pending` row and returns; the checks run in a background promise and store their
// outcome. Of several checks asked for one after the other only the newest one's outcome is kept.

/** How long one check may wait for GitHub, itch.io or a demo site. */
export const CHECK_TIMEOUT_MS = 5000;
/** "Check again" presses per person per minute (each one may cost a GitHub request). */
export const RECHECK_LIMIT = { limit: 3, windowMs: 60_000 };
// A rate-limited check asks again by itself at the reset, but never waits for more than this.
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** The app's check settings (GITHUB_API_URL, GITHUB_TOKEN, ITCH_BASE_URL). */
export function defaultCheckContext(): CheckContext {
	return {
		...config().projectChecks,
		timeoutMs: CHECK_TIMEOUT_MS,
		allowPrivateAddresses: false,
		now: () => new Date()
	};
}

const RANK = { valid: 0, warning: 1, invalid: 2 } as const;

/** Runs the event's checks on the project's current links; null when the event has none. */
export async function runProjectChecks(
	projectId: string,
	context: CheckContext
): Promise<CheckOutcome | null> {
	const project = await db.project.findUnique({
		where: { id: projectId },
		select: {
			repoUrl: true,
			demoUrl: true,
			event: { select: { repoCheck: true, demoCheck: true, demoLinksOptional: true } }
		}
	});
	if (!project) return null;
	const repoCheck = findCheck('repo', project.event.repoCheck);
	const demoCheck = findCheck('demo', project.event.demoCheck);
	if (!repoCheck && !demoCheck) return null;
	const work: Promise<CheckOutcome>[] = [];
	if (repoCheck) {
		work.push(
			project.repoUrl
				? repoCheck.run(project.repoUrl, context)
				: Promise.resolve({
						status: 'invalid',
						message: m.server_check_repo_required({ check: repoCheck.label })
					})
		);
	}
	if (demoCheck && (project.demoUrl || !project.event.demoLinksOptional)) {
		work.push(
			project.demoUrl
				? demoCheck.run(project.demoUrl, context)
				: Promise.resolve({ status: 'invalid', message: m.server_project_demo_required() })
		);
	}
	const outcomes = await Promise.all(work);
	if (outcomes.length === 0) return { status: 'valid', message: m.server_check_nothing() };
	const worst = outcomes.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
	const retries = outcomes.flatMap((o) => (o.retryAt ? [o.retryAt.getTime()] : []));
	return {
		status: worst.status,
		message: outcomes.map((o) => o.message).join(' '),
		...(retries.length ? { retryAt: new Date(Math.min(...retries)) } : {})
	};
}

async function finishCheck(projectId: string, requestedAt: Date, context: CheckContext): Promise<void> {
	const outcome = await runProjectChecks(projectId, context);
	if (!outcome) {
		await db.projectCheck.deleteMany({ where: { projectId, requestedAt } });
		return;
	}
	// Only if no newer check was asked for meanwhile: that one's outcome describes the newer links.
	const { count } = await db.projectCheck.updateMany({
		where: { projectId, requestedAt },
		data: { status: outcome.status, message: outcome.message, checkedAt: context.now() }
	});
	if (count === 1 && outcome.retryAt) {
		const delay = Math.min(Math.max(outcome.retryAt.getTime() - Date.now(), 1000), MAX_RETRY_DELAY_MS);
		// Best effort, in this process: a restart forgets it, and the next save or "Check again" asks anew.
		setTimeout(() => {
			void (async () => {
				const still = await db.projectCheck.count({ where: { projectId, requestedAt } });
				if (still) await requestProjectCheck(projectId, { context });
			})().catch((error) => log.error({ err: error, projectId }, 'A project check retry failed.'));
		}, delay).unref();
	}
}

/**
 * Marks the project's check `pending` and starts its checks in the background. Returns at once; `done`
 * settles when the outcome is stored (tests wait for it, pages do not). An event without checks
 * leaves no check row.
 */
export async function requestProjectCheck(
	projectId: string,
	options: { context?: CheckContext } = {}
): Promise<{ done: Promise<void> }> {
	const context = options.context ?? defaultCheckContext();
	const project = await db.project.findUnique({
		where: { id: projectId },
		select: { event: { select: { repoCheck: true, demoCheck: true } } }
	});
	if (
		!project ||
		(!findCheck('repo', project.event.repoCheck) && !findCheck('demo', project.event.demoCheck))
	) {
		await db.projectCheck.deleteMany({ where: { projectId } });
		return { done: Promise.resolve() };
	}
	const requestedAt = context.now();
	const pending = {
		status: 'pending' as const,
		message: m.server_check_pending(),
		requestedAt,
		checkedAt: null
	};
	await db.projectCheck.upsert({ where: { projectId }, create: { projectId, ...pending }, update: pending });
	const done = finishCheck(projectId, requestedAt, context).catch((error) => {
		// A failure here must never reach the person who saved: the row stays pending until the next try.
		log.error({ err: error, projectId }, 'A project check failed.');
	});
	return { done };
}

/**
 * "Check again": for the project's team, the event's owner and platform admins, within RECHECK_LIMIT
 * per person per minute.
 */
export async function recheckProject(
	viewer: { id: string; isPlatformAdmin: boolean },
	projectId: string,
	options: { context?: CheckContext } = {}
) {
	const project = await db.project.findUnique({
		where: { id: projectId },
		select: {
			ownerId: true,
			collaborators: { where: { userId: viewer.id }, select: { userId: true } },
			event: { select: { ownerId: true, repoCheck: true, demoCheck: true, deletedAt: true } }
		}
	});
	if (!project || (project.event.deletedAt && !viewer.isPlatformAdmin)) {
		throw new RuleViolation(m.server_project_not_found(), 404);
	}
	const allowed =
		project.ownerId === viewer.id ||
		project.collaborators.length > 0 ||
		project.event.ownerId === viewer.id ||
		viewer.isPlatformAdmin;
	if (!allowed) throw new RuleViolation(m.server_check_who(), 403);
	if (!findCheck('repo', project.event.repoCheck) && !findCheck('demo', project.event.demoCheck)) {
		throw new RuleViolation(m.server_check_off(), 409);
	}
	const hit = await consumeRateLimit(
		`project-recheck:user:${viewer.id}`,
		RECHECK_LIMIT.limit,
		RECHECK_LIMIT.windowMs
	);
	if (!hit.allowed) {
		throw new RuleViolation(
			m.server_check_rate_limit({ limit: RECHECK_LIMIT.limit, seconds: hit.retryAfterSeconds }),
			429
		);
	}
	return requestProjectCheck(projectId, options);
}

/** "Check again" from the owner's project table: the project must be in that event. */
export async function recheckEventProject(
	viewer: { id: string; isPlatformAdmin: boolean },
	eventId: string,
	projectId: string
) {
	const inEvent = await db.project.count({ where: { id: projectId, eventId } });
	if (!inEvent) throw new RuleViolation(m.server_check_not_in_event(), 404);
	return recheckProject(viewer, projectId);
}

/** Checks every project of the event again, one after another (after its owner changed the checks). */
export async function requestEventChecks(eventId: string, options: { context?: CheckContext } = {}) {
	const projects = await db.project.findMany({ where: { eventId }, select: { id: true } });
	const done = (async () => {
		for (const { id } of projects) await (await requestProjectCheck(id, options)).done;
	})().catch((error) => log.error({ err: error, eventId }, 'Checking the event’s projects failed.'));
	return { done, count: projects.length };
}

/** The project's check for its team and the event's owner: status, message, when; null without checks. */
export async function getProjectCheck(projectId: string) {
	return db.projectCheck.findUnique({
		where: { projectId },
		select: { status: true, message: true, checkedAt: true, requestedAt: true }
	});
}
