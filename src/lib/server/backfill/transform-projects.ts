// Projects, their teams, referrals and votes: the second half of the import's decisions.

import { randomUUID } from 'node:crypto';
import {
	cleanText,
	httpLink,
	linkIds,
	nonNegativeNumber,
	normalizeJoinCode,
	parseJsonText
} from './normalize.ts';
import {
	byCreation,
	changedFields,
	indexByAirtableId,
	resolveRecord,
	type ProjectLinks,
	type Resolution,
	type Row
} from './plan.ts';
import type { AirtableRecord } from './tables.ts';
import {
	claimJoinCode,
	collectLinks,
	linkTime,
	missingReason,
	planLink,
	settle,
	type Context
} from './transform.ts';

interface ProjectDraft {
	record: AirtableRecord;
	id: string;
	resolution: Resolution & { kind: 'new' | 'tracked' };
	ownerId: string;
	eventId: string;
	eventRec: string;
}

/** Projects first get their ids; their rows wait for the votes, which their legacy points depend on. */
export function planProjectsAndVotes(ctx: Context) {
	const drafts = resolveProjects(ctx);
	const team = planCollaborators(ctx, drafts);
	planReferrals(ctx);
	const votesPerProject = planVotes(ctx, drafts, team);
	planProjectRows(ctx, drafts, votesPerProject);
}

function resolveProjects(ctx: Context): Map<string, ProjectDraft> {
	const { state, report } = ctx;
	const byAirtableId = indexByAirtableId(state.projects);
	const drafts = new Map<string, ProjectDraft>();
	for (const record of byCreation(ctx.source.projects)) {
		const owners = linkIds(record.fields.owner);
		const events = linkIds(record.fields.event);
		if (owners.length === 0) {
			report.skip('projects', record.id, 'no_owner', 'the project has no owner');
			continue;
		}
		if (events.length === 0) {
			report.skip('projects', record.id, 'no_event', 'the project has no event');
			continue;
		}
		const ownerId = ctx.ids.users.get(owners[0]);
		if (!ownerId) {
			const { reason, detail } = missingReason(ctx, 'users', owners[0]);
			report.skip('projects', record.id, reason.replace('user', 'owner'), `owner: ${detail}`);
			continue;
		}
		const eventId = ctx.ids.events.get(events[0]);
		if (!eventId) {
			const { reason, detail } = missingReason(ctx, 'events', events[0]);
			report.skip('projects', record.id, reason, detail);
			continue;
		}
		const resolution = resolveRecord(state, 'projects', record.id, state.projects, byAirtableId);
		if (resolution.kind === 'deleted') {
			report.skip(
				'projects',
				record.id,
				'deleted_in_postgres',
				'imported earlier, deleted in PostgreSQL since'
			);
			continue;
		}
		const id = resolution.kind === 'tracked' ? resolution.id : randomUUID();
		// A project never changes event (the database refuses): an imported one keeps its own.
		const currentEvent = resolution.kind === 'tracked' ? state.projects.get(id)?.eventId : undefined;
		ctx.ids.projects.set(record.id, id);
		drafts.set(id, {
			record,
			id,
			resolution,
			ownerId,
			eventId: currentEvent ?? eventId,
			eventRec: events[0]
		});
	}
	return drafts;
}

/** Team links; returns the `${projectId}:${userId}` pairs the source holds (for spotting self-votes). */
function planCollaborators(ctx: Context, drafts: Map<string, ProjectDraft>): Set<string> {
	const team = new Set<string>();
	const seen = new Map<string, string>();
	const links = collectLinks(ctx.source.projects, 'collaborators', ctx.source.users, 'collaborations');
	for (const [projectRec, userRec] of links) {
		const key = `${projectRec}:${userRec}`;
		const projectId = ctx.ids.projects.get(projectRec);
		const userId = ctx.ids.users.get(userRec);
		if (!projectId || !userId) {
			const { reason, detail } = !projectId
				? missingReason(ctx, 'projects', projectRec)
				: missingReason(ctx, 'users', userRec);
			ctx.report.skip('project_collaborators', key, reason, detail);
			continue;
		}
		const draft = drafts.get(projectId)!;
		const owner =
			draft.resolution.kind === 'tracked' ? ctx.state.projects.get(projectId)?.ownerId : undefined;
		if (userId === (owner ?? draft.ownerId)) {
			ctx.report.skip(
				'project_collaborators',
				key,
				'owner_is_collaborator',
				'the owner is listed as a collaborator too'
			);
			continue;
		}
		team.add(`${projectId}:${userId}`);
		planLink(
			ctx,
			'project_collaborators',
			key,
			`${projectId}:${userId}`,
			seen,
			ctx.state.collaborators,
			() => ({
				project_id: projectId,
				user_id: userId,
				joined_at: linkTime(ctx, projectRec, userRec)
			})
		);
	}
	return team;
}

function planReferrals(ctx: Context) {
	const { state, report } = ctx;
	const byAirtableId = indexByAirtableId(state.referrals);
	for (const record of byCreation(ctx.source.referrals)) {
		const content = cleanText(record.fields.content);
		report.fix('referrals', record.id, 'content', content.problem);
		if (!content.value) {
			report.skip('referrals', record.id, 'empty_content', 'the referral has no text');
			continue;
		}
		const events = linkIds(record.fields.event);
		if (events.length === 0) {
			report.skip('referrals', record.id, 'no_event', 'the referral has no event');
			continue;
		}
		const eventId = ctx.ids.events.get(events[0]);
		if (!eventId) {
			const { reason, detail } = missingReason(ctx, 'events', events[0]);
			report.skip('referrals', record.id, reason, detail);
			continue;
		}
		// The answer is about the event; it is kept even when its author is gone.
		const users = linkIds(record.fields.user);
		const userId = users.length > 0 ? (ctx.ids.users.get(users[0]) ?? null) : null;
		if (users.length > 0 && !userId) {
			report.fix(
				'referrals',
				record.id,
				'user',
				`${missingReason(ctx, 'users', users[0]).detail}: kept without author`
			);
		}
		const resolution = resolveRecord(state, 'referrals', record.id, state.referrals, byAirtableId);
		const fields: Row = { content: content.value, user_id: userId, event_id: eventId };
		if (resolution.kind === 'deleted') {
			report.skip(
				'referrals',
				record.id,
				'deleted_in_postgres',
				'imported earlier, deleted in PostgreSQL since'
			);
		} else if (resolution.kind === 'new') {
			const id = randomUUID();
			ctx.plan.referrals.inserts.push({
				id,
				...fields,
				airtable_id: record.id,
				created_at: new Date(Date.parse(record.createdTime) || Date.parse(ctx.now)).toISOString()
			});
			ctx.plan.referrals.ledger.push({ source: 'referrals', airtable_key: record.id, row_key: id, fields });
			report.count('referrals', 'created');
		} else {
			settle(ctx, 'referrals', record.id, resolution, fields, changedFields(resolution.previous, fields));
		}
	}
}

/** Votes, one per voter and project; returns how many imported votes each project has. */
function planVotes(ctx: Context, drafts: Map<string, ProjectDraft>, team: Set<string>): Map<string, number> {
	const { state, report } = ctx;
	const byAirtableId = indexByAirtableId(state.votes);
	const pairs = new Map([...state.votes].map(([id, v]) => [`${v.voterId}:${v.projectId}`, id]));
	const kept = new Map<string, string>(); // pair → record id of the vote kept for it in this run
	const perProject = new Map<string, number>();

	for (const record of byCreation(ctx.source.votes)) {
		const voters = linkIds(record.fields.voter);
		const projects = linkIds(record.fields.project);
		if (voters.length === 0 || projects.length === 0) {
			const what = voters.length === 0 ? 'voter' : 'project';
			report.skip('votes', record.id, `no_${what}`, `the vote has no ${what}`);
			continue;
		}
		const voterId = ctx.ids.users.get(voters[0]);
		const projectId = ctx.ids.projects.get(projects[0]);
		if (!voterId || !projectId) {
			const { reason, detail } = !voterId
				? missingReason(ctx, 'users', voters[0])
				: missingReason(ctx, 'projects', projects[0]);
			report.skip('votes', record.id, reason.replace('user', 'voter'), detail.replace(/^user/, 'voter'));
			continue;
		}
		const draft = drafts.get(projectId)!;
		const pair = `${voterId}:${projectId}`;
		const keptRec = kept.get(pair);
		if (keptRec) {
			report.count('votes', 'merged');
			report.merge({
				table: 'votes',
				key: `${voters[0]} → ${projects[0]}`,
				keptId: keptRec,
				mergedIds: [record.id]
			});
			const previous = state.ledger.get(`votes|${record.id}`);
			const rowKey = ctx.state.ledger.get(`votes|${keptRec}`)?.rowKey ?? pairs.get(pair);
			if (rowKey && previous?.rowKey !== rowKey) {
				ctx.plan.votes.ledger.push({ source: 'votes', airtable_key: record.id, row_key: rowKey, fields: {} });
			}
			continue;
		}
		const resolution = resolveRecord(state, 'votes', record.id, state.votes, byAirtableId);
		if (resolution.kind === 'deleted') {
			report.skip('votes', record.id, 'deleted_in_postgres', 'imported earlier, deleted in PostgreSQL since');
			continue;
		}
		kept.set(pair, record.id);
		perProject.set(projectId, (perProject.get(projectId) ?? 0) + 1);
		const eventLink = linkIds(record.fields.event)[0];
		if (eventLink !== draft.eventRec) {
			report.fix(
				'votes',
				record.id,
				'event',
				`${eventLink ?? 'none'} differs from the project's event ${draft.eventRec}: took the project's`
			);
		}
		if (voterId === draft.ownerId || team.has(pair.split(':').reverse().join(':'))) {
			report.fix(
				'votes',
				record.id,
				'voter',
				"self-vote (voter is on the project's team): kept, it counted in the old results"
			);
		}
		const fields: Row = { voter_id: voterId, project_id: projectId, event_id: draft.eventId };
		const existing = pairs.get(pair);
		if (resolution.kind === 'new' && existing) {
			// Already voted for in PostgreSQL (or imported from another record): the vote is there.
			report.count('votes', 'merged');
			report.merge({
				table: 'votes',
				key: `${voters[0]} → ${projects[0]}`,
				keptId: `row ${existing}`,
				mergedIds: [record.id]
			});
			ctx.plan.votes.ledger.push({ source: 'votes', airtable_key: record.id, row_key: existing, fields });
		} else if (resolution.kind === 'new') {
			const id = randomUUID();
			pairs.set(pair, id);
			ctx.plan.votes.inserts.push({
				id,
				...fields,
				airtable_id: record.id,
				created_at: new Date(Date.parse(record.createdTime) || Date.parse(ctx.now)).toISOString()
			});
			ctx.plan.votes.ledger.push({ source: 'votes', airtable_key: record.id, row_key: id, fields });
			report.count('votes', 'created');
		} else {
			const patch = changedFields(resolution.previous, fields);
			if (Object.keys(patch).length > 0 && pairs.has(pair) && pairs.get(pair) !== resolution.id) {
				report.fix(
					'votes',
					record.id,
					'voter',
					'changed in Airtable to a vote that already exists: kept as it was'
				);
				settle(ctx, 'votes', record.id, resolution, fields, {});
			} else {
				if (Object.keys(patch).length > 0) pairs.set(pair, resolution.id);
				settle(ctx, 'votes', record.id, resolution, fields, patch);
			}
		}
	}
	return perProject;
}

function planProjectRows(ctx: Context, drafts: Map<string, ProjectDraft>, votes: Map<string, number>) {
	const { report } = ctx;
	const codes = new Map([...ctx.state.projects].map(([id, p]) => [p.joinCode, id]));
	for (const draft of drafts.values()) {
		const { record, id, resolution } = draft;
		const text = (field: string) => {
			const fixed = cleanText(record.fields[field]);
			report.fix('projects', record.id, field, fixed.problem);
			return fixed.value;
		};
		const refused = new Map<keyof ProjectLinks, string>(); // column → Airtable field
		const link = (field: string, column: keyof ProjectLinks) => {
			const fixed = httpLink(text(field));
			report.fix('projects', record.id, field, fixed.problem);
			if (fixed.value === null && fixed.problem) refused.set(column, field);
			return fixed.value;
		};
		let name = text('name');
		if (!name) {
			name = 'Untitled project';
			report.fix('projects', record.id, 'name', 'empty: named "Untitled project"');
		}
		const hours = nonNegativeNumber(record.fields.hours_spent);
		report.fix('projects', record.id, 'hours_spent', hours.problem);
		const quality = parseJsonText(record.fields.cached_auto_quality);
		report.fix('projects', record.id, 'cached_auto_quality', quality.problem);
		const points = nonNegativeNumber(record.fields.points);
		report.fix('projects', record.id, 'points', points.problem);
		const code = normalizeJoinCode(record.fields.join_code);
		const fields: Row = {
			name,
			description: text('description') ?? '',
			repo_url: link('repo', 'repo_url'),
			demo_url: link('demo', 'demo_url'),
			image_url: link('image_url', 'image_url'),
			hours_spent: hours.value,
			join_code: code,
			owner_id: draft.ownerId,
			event_id: draft.eventId,
			// Points the old system counted without keeping vote rows: the part the imported votes miss.
			legacy_points: Math.max(0, Math.round(points.value) - (votes.get(id) ?? 0)),
			cached_auto_quality: quality.value
		};
		if (resolution.kind === 'new') {
			const joinCode = claimJoinCode(ctx, 'projects', record, code, codes, id);
			ctx.plan.projects.inserts.push({
				id,
				...fields,
				join_code: joinCode,
				airtable_id: record.id,
				created_at: new Date(Date.parse(record.createdTime) || Date.parse(ctx.now)).toISOString(),
				updated_at: ctx.now
			});
			ctx.plan.projects.ledger.push({ source: 'projects', airtable_key: record.id, row_key: id, fields });
			report.count('projects', 'created');
			continue;
		}
		const patch = changedFields(resolution.previous, fields);
		// A refused link clears an unsafe one an earlier import stored, never a usable one (set in Podium).
		for (const [column, field] of refused) {
			if (column in patch && httpLink(ctx.state.projects.get(id)?.links[column]).value) {
				delete patch[column];
				report.fix('projects', record.id, field, 'kept the http(s) link the database holds');
			}
		}
		const linkedEvent = ctx.ids.events.get(draft.eventRec);
		if (linkedEvent !== draft.eventId) {
			report.fix(
				'projects',
				record.id,
				'event',
				'moved to another event in Airtable: a project keeps its event'
			);
		}
		delete patch.event_id;
		if ('join_code' in patch && resolution.imported) {
			const taken = code ? codes.get(code) : undefined;
			if (!code || (taken && taken !== id)) {
				delete patch.join_code;
				report.fix(
					'projects',
					record.id,
					'join_code',
					`new code ${String(record.fields.join_code)} unusable: kept the old one`
				);
			} else codes.set(code, id);
		}
		settle(ctx, 'projects', record.id, resolution, fields, patch);
	}
}
