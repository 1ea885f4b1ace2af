// The import's decisions, without touching the database: from the Airtable records and what the
// database already holds, which rows to create or update, and why each record that is left out is
// left out. Users, events and attendee links here; projects, teams, referrals and votes in
// transform-projects.ts.

import { randomUUID } from 'node:crypto';
import {
	cleanText,
	freshJoinCode,
	linkIds,
	normalizeCountry,
	normalizeEmail,
	normalizeJoinCode,
	parseDateOfBirth,
	parseTimestamp,
	SLUG,
	slugify,
	splitFeatureFlags
} from './normalize.ts';
import {
	byCreation,
	changedFields,
	emptyPlan,
	fingerprint,
	indexByAirtableId,
	resolveRecord,
	same,
	type ExistingState,
	type Resolution,
	type Row,
	type WritePlan
} from './plan.ts';
import { createReportBuilder, type ReportBuilder } from './report.ts';
import type { AirtableRecord, SourceData, TargetTable } from './tables.ts';
import { planProjectsAndVotes } from './transform-projects.ts';

export interface Context {
	source: SourceData;
	state: ExistingState;
	plan: WritePlan;
	report: ReportBuilder;
	/** Source record id → the row id it maps to (merged users share one). */
	ids: { users: Map<string, string>; events: Map<string, string>; projects: Map<string, string> };
	/** Record ids present in the source: a link to anything else points at a deleted record. */
	known: { users: Set<string>; events: Set<string>; projects: Set<string> };
	createdTime: Map<string, string>;
	now: string;
}

/** Plans the whole import. Pure: the same source and state always give the same decisions. */
export function planImport(source: SourceData, state: ExistingState, now = new Date()) {
	const ctx: Context = {
		source,
		state,
		plan: emptyPlan(),
		report: createReportBuilder(),
		ids: { users: new Map(), events: new Map(), projects: new Map() },
		known: {
			users: new Set(source.users.map((r) => r.id)),
			events: new Set(source.events.map((r) => r.id)),
			projects: new Set(source.projects.map((r) => r.id))
		},
		createdTime: new Map(
			[...source.users, ...source.events, ...source.projects].map((r) => [r.id, r.createdTime])
		),
		now: now.toISOString()
	};
	planUsers(ctx);
	planEvents(ctx);
	planAttendees(ctx);
	planProjectsAndVotes(ctx);
	return { plan: ctx.plan, report: ctx.report };
}

/** Why a link to `recordId` cannot be followed: it points at nothing, or at a record left out. */
export function missingReason(ctx: Context, kind: 'users' | 'events' | 'projects', recordId: string) {
	const noun = kind === 'users' ? 'user' : kind === 'events' ? 'event' : 'project';
	return ctx.known[kind].has(recordId)
		? { reason: `${noun}_not_imported`, detail: `${noun} ${recordId} was not imported (see its skip)` }
		: { reason: `${noun}_missing`, detail: `${noun} ${recordId} does not exist (deleted in Airtable)` };
}

/** Records the outcome of a tracked or new record; returns the patch to apply, if any. */
export function settle(
	ctx: Context,
	table: TargetTable,
	recordId: string,
	resolution: Resolution & { kind: 'tracked' },
	fields: Row,
	patch: Row
) {
	const previous = resolution.previous;
	const ledgerChanged =
		!previous || Object.entries(fields).some(([key, value]) => !same(previous[key], value));
	if (ledgerChanged) {
		ctx.plan[table].ledger.push({ source: table, airtable_key: recordId, row_key: resolution.id, fields });
	}
	if (resolution.imported && Object.keys(patch).length > 0) {
		ctx.plan[table].updates.push({ id: resolution.id, patch });
		ctx.report.count(table, 'updated');
	} else {
		ctx.report.count(table, 'unchanged');
	}
}

function text(ctx: Context, table: TargetTable, record: AirtableRecord, field: string): string | null {
	const fixed = cleanText(record.fields[field]);
	ctx.report.fix(table, record.id, field, fixed.problem);
	return fixed.value;
}

function timestamp(record: AirtableRecord, fallback: string): string {
	return parseTimestamp(record.createdTime)?.toISOString() ?? fallback;
}

// --- users -------------------------------------------------------------------------------------------

function planUsers(ctx: Context) {
	const { state, report } = ctx;
	const groups = new Map<string, AirtableRecord[]>();
	for (const record of byCreation(ctx.source.users)) {
		const email = normalizeEmail(record.fields.email);
		if (!email) {
			const raw = cleanText(record.fields.email).value;
			if (raw) report.skip('users', record.id, 'invalid_email', `"${raw}" is not an email address`);
			else report.skip('users', record.id, 'missing_email', 'the record has no email');
			continue;
		}
		groups.set(email, [...(groups.get(email) ?? []), record]);
	}
	const byAirtableId = indexByAirtableId(state.users);
	const byEmail = new Map([...state.users].map(([id, user]) => [user.email, id]));

	for (const [email, group] of groups) {
		const [first, ...others] = group;
		let resolution: Resolution = { kind: 'new' };
		let deleted = false;
		for (const record of group) {
			const r = resolveRecord(state, 'users', record.id, state.users, byAirtableId);
			if (r.kind === 'tracked') {
				resolution = r;
				break;
			}
			if (r.kind === 'deleted') deleted = true;
		}
		if (resolution.kind === 'new' && deleted) {
			for (const record of group) {
				report.skip(
					'users',
					record.id,
					'deleted_in_postgres',
					'imported earlier, deleted in PostgreSQL since'
				);
			}
			continue;
		}
		// The same person may have signed up in PostgreSQL after the cutover: one account, theirs.
		const existing = resolution.kind === 'new' ? byEmail.get(email) : undefined;
		if (existing) {
			const imported = state.users.get(existing)!.airtableId !== null;
			resolution = { kind: 'tracked', id: existing, previous: null, imported };
			if (!imported) {
				report.fix(
					'users',
					first.id,
					'email',
					'matches a user created in PostgreSQL: linked to it, left as is'
				);
			}
		}

		const fields = mergeUserFields(ctx, group, email);
		const stored = fingerprint(fields);
		const id = resolution.kind === 'tracked' ? resolution.id : randomUUID();
		for (const record of group) ctx.ids.users.set(record.id, id);
		if (others.length > 0) {
			report.merge({ table: 'users', key: email, keptId: first.id, mergedIds: others.map((r) => r.id) });
		}

		if (resolution.kind === 'new') {
			const createdAt = timestamp(first, ctx.now);
			ctx.plan.users.inserts.push({
				id,
				...fields,
				// Imported people have given their name already: the first sign-in need not ask again.
				profile_completed_at: fields.first_name ? createdAt : null,
				airtable_id: first.id,
				created_at: createdAt,
				updated_at: ctx.now
			});
			report.count('users', 'created');
			ctx.plan.users.ledger.push({ source: 'users', airtable_key: first.id, row_key: id, fields: stored });
		} else if (resolution.kind === 'tracked') {
			const patch = Object.fromEntries(
				Object.keys(changedFields(resolution.previous, stored)).map((key) => [key, fields[key]])
			);
			// An empty first name would break a completed profile; an email in use belongs to someone else.
			if ('first_name' in patch && !patch.first_name) delete patch.first_name;
			if ('email' in patch && byEmail.has(email) && byEmail.get(email) !== id) {
				delete patch.email;
				report.fix('users', first.id, 'email', `${email} belongs to another user: kept the old email`);
			}
			settle(ctx, 'users', first.id, resolution, stored, patch);
		}
		for (const record of others) {
			report.count('users', 'merged');
			const previous = state.ledger.get(`users|${record.id}`);
			if (!previous || previous.rowKey !== id) {
				ctx.plan.users.ledger.push({ source: 'users', airtable_key: record.id, row_key: id, fields: {} });
			}
		}
	}
}

const USER_TEXT = ['last_name', 'phone', 'street_1', 'street_2', 'city', 'state', 'zip_code'] as const;

/** One user from records sharing an email: the oldest record's values, gaps filled from the others. */
function mergeUserFields(ctx: Context, group: AirtableRecord[], email: string): Row {
	const pick = (field: string) => {
		for (const record of group) {
			const value = text(ctx, 'users', record, field);
			if (value) return value;
		}
		return null;
	};
	const pickFixed = (field: string, fix: (raw: unknown) => { value: string | null; problem?: string }) => {
		let chosen: string | null = null;
		for (const record of group) {
			const fixed = fix(record.fields[field]);
			ctx.report.fix('users', record.id, field, fixed.problem);
			chosen ??= fixed.value;
		}
		return chosen;
	};
	const firstName = pick('first_name') ?? '';
	const fields: Row = { email, first_name: firstName };
	for (const field of USER_TEXT) fields[field] = pick(field);
	const lastName = fields.last_name as string | null;
	const initial = lastName?.charAt(0).toUpperCase();
	fields.display_name = pick('display_name') ?? (initial ? `${firstName} ${initial}.` : firstName);
	fields.country = pickFixed('country', normalizeCountry);
	fields.dob = pickFixed('dob', (raw) => parseDateOfBirth(raw));
	return fields;
}

// --- events ------------------------------------------------------------------------------------------

function planEvents(ctx: Context) {
	const { state, report } = ctx;
	const byAirtableId = indexByAirtableId(state.events);
	const slugs = new Map([...state.events].map(([id, e]) => [e.slug, id]));
	const codes = new Map([...state.events].map(([id, e]) => [e.joinCode, id]));

	for (const record of byCreation(ctx.source.events)) {
		const owners = linkIds(record.fields.owner);
		if (owners.length === 0) {
			report.skip('events', record.id, 'no_owner', 'the event has no owner');
			continue;
		}
		const ownerId = ctx.ids.users.get(owners[0]);
		if (!ownerId) {
			const { reason, detail } = missingReason(ctx, 'users', owners[0]);
			report.skip('events', record.id, reason.replace('user', 'owner'), `owner: ${detail}`);
			continue;
		}
		if (owners.length > 1) report.fix('events', record.id, 'owner', `several owners: kept ${owners[0]}`);
		const resolution = resolveRecord(state, 'events', record.id, state.events, byAirtableId);
		if (resolution.kind === 'deleted') {
			report.skip(
				'events',
				record.id,
				'deleted_in_postgres',
				'imported earlier, deleted in PostgreSQL since'
			);
			continue;
		}
		let name = text(ctx, 'events', record, 'name');
		if (!name) {
			name = 'Untitled event';
			report.fix('events', record.id, 'name', 'empty: named "Untitled event"');
		}
		const code = normalizeJoinCode(record.fields.join_code);
		const f = record.fields;
		const fields: Row = {
			name,
			description: text(ctx, 'events', record, 'description') ?? '',
			join_code: code,
			owner_id: ownerId,
			phase: f.leaderboard_enabled === true ? 'closed' : f.votable === true ? 'voting' : 'submission',
			demo_links_optional: f.demo_links_optional === true,
			ysws_checks_enabled: f.ysws_checks_enabled === true,
			feature_flags: splitFeatureFlags(f.feature_flags_csv)
		};

		if (resolution.kind === 'new') {
			const id = randomUUID();
			ctx.ids.events.set(record.id, id);
			const slug = uniqueSlug(ctx, record, name, slugs);
			slugs.set(slug, id);
			const joinCode = claimJoinCode(ctx, 'events', record, code, codes, id);
			ctx.plan.events.inserts.push({
				id,
				...fields,
				slug,
				join_code: joinCode,
				airtable_id: record.id,
				created_at: timestamp(record, ctx.now),
				updated_at: ctx.now
			});
			ctx.plan.events.ledger.push({ source: 'events', airtable_key: record.id, row_key: id, fields });
			report.count('events', 'created');
		} else {
			ctx.ids.events.set(record.id, resolution.id);
			const patch = changedFields(resolution.previous, fields);
			if ('join_code' in patch && resolution.imported) {
				const taken = code ? codes.get(code) : undefined;
				if (!code || (taken && taken !== resolution.id)) {
					delete patch.join_code;
					report.fix(
						'events',
						record.id,
						'join_code',
						`new code ${String(f.join_code)} unusable: kept the old one`
					);
				} else codes.set(code, resolution.id);
			}
			settle(ctx, 'events', record.id, resolution, fields, patch);
		}
	}
}

function uniqueSlug(ctx: Context, record: AirtableRecord, name: string, taken: Map<string, string>) {
	const raw = cleanText(record.fields.slug).value;
	let base = raw?.toLowerCase() ?? '';
	if (!SLUG.test(base)) base = slugify(raw ?? '') || slugify(name) || 'event';
	let slug = base;
	for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
	if (raw !== slug) {
		ctx.report.fix(
			'events',
			record.id,
			'slug',
			raw ? `"${raw}" stored as "${slug}"` : `empty: made "${slug}"`
		);
	}
	return slug;
}

/** The record's join code if it is valid and free, else a fresh one (reported). */
export function claimJoinCode(
	ctx: Context,
	table: 'events' | 'projects',
	record: AirtableRecord,
	code: string | null,
	taken: Map<string, string>,
	id: string
): string {
	let joinCode = code;
	if (!joinCode || taken.has(joinCode)) {
		joinCode = freshJoinCode(taken);
		const raw = cleanText(record.fields.join_code).value;
		ctx.report.fix(
			table,
			record.id,
			'join_code',
			!raw
				? `empty: made ${joinCode}`
				: code
					? `${code} is in use: made ${joinCode}`
					: `"${raw}" is not a valid code: made ${joinCode}`
		);
	}
	taken.set(joinCode, id);
	return joinCode;
}

// --- attendees ---------------------------------------------------------------------------------------

/** The later of two records' creation times: when a link between them could first have existed. */
export function linkTime(ctx: Context, a: string, b: string): string {
	const times = [ctx.createdTime.get(a), ctx.createdTime.get(b)].filter(
		(t): t is string => !!t && !!parseTimestamp(t)
	);
	if (times.length === 0) return ctx.now;
	return new Date(Math.max(...times.map((t) => Date.parse(t)))).toISOString();
}

/** Links stored on both sides of the base (e.g. Events.attendees and Users.attending_events), as pairs. */
export function collectLinks(
	from: AirtableRecord[],
	field: string,
	back: AirtableRecord[],
	backField: string
): [string, string][] {
	const pairs = new Map<string, [string, string]>();
	for (const record of from) {
		for (const other of linkIds(record.fields[field])) pairs.set(`${record.id}:${other}`, [record.id, other]);
	}
	for (const record of back) {
		for (const other of linkIds(record.fields[backField]))
			pairs.set(`${other}:${record.id}`, [other, record.id]);
	}
	return [...pairs.values()].sort((a, b) => (a.join(':') < b.join(':') ? -1 : 1));
}

function planAttendees(ctx: Context) {
	const { report } = ctx;
	// A referral is written when a person joins an event: the best join time the base has.
	const joinedAt = new Map<string, string>();
	for (const referral of ctx.source.referrals) {
		const key = `${linkIds(referral.fields.event)[0]}:${linkIds(referral.fields.user)[0]}`;
		const time = parseTimestamp(referral.createdTime)?.toISOString();
		if (time && (!joinedAt.has(key) || time < joinedAt.get(key)!)) joinedAt.set(key, time);
	}
	const seen = new Map<string, string>();
	for (const [eventRec, userRec] of collectLinks(
		ctx.source.events,
		'attendees',
		ctx.source.users,
		'attending_events'
	)) {
		const key = `${eventRec}:${userRec}`;
		const eventId = ctx.ids.events.get(eventRec);
		const userId = ctx.ids.users.get(userRec);
		if (!eventId || !userId) {
			const { reason, detail } = !eventId
				? missingReason(ctx, 'events', eventRec)
				: missingReason(ctx, 'users', userRec);
			report.skip('event_attendees', key, reason, detail);
			continue;
		}
		planLink(ctx, 'event_attendees', key, `${eventId}:${userId}`, seen, ctx.state.attendees, () => ({
			event_id: eventId,
			user_id: userId,
			joined_at: joinedAt.get(key) ?? linkTime(ctx, eventRec, userRec)
		}));
	}
}

/** One attendee or collaborator link: created, already there, merged (same pair twice), or deleted since. */
export function planLink(
	ctx: Context,
	table: 'event_attendees' | 'project_collaborators',
	key: string,
	pair: string,
	seen: Map<string, string>,
	existing: Set<string>,
	row: () => Row
) {
	const entry = ctx.state.ledger.get(`${table}|${key}`);
	const write = () => {
		if (entry?.rowKey !== pair)
			ctx.plan[table].ledger.push({ source: table, airtable_key: key, row_key: pair, fields: {} });
	};
	const keptKey = seen.get(pair);
	if (keptKey) {
		ctx.report.count(table, 'merged');
		ctx.report.merge({ table, key: pair, keptId: keptKey, mergedIds: [key] });
		write();
	} else if (existing.has(pair)) {
		seen.set(pair, key);
		ctx.report.count(table, 'unchanged');
		write();
	} else if (entry) {
		ctx.report.skip(table, key, 'deleted_in_postgres', 'imported earlier, removed in PostgreSQL since');
	} else {
		seen.set(pair, key);
		ctx.plan[table].inserts.push(row());
		ctx.report.count(table, 'created');
		write();
	}
}
