// The five tables of the Airtable base (v1) as the API returns them; see docs in domain.md.

/** The tables of the base, in the order the import needs them. */
export const SOURCE_TABLES = ['users', 'events', 'projects', 'referrals', 'votes'] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

/** The table names of the v1 base; each can be overridden (by name or table id) from the environment. */
export const DEFAULT_TABLE_NAMES: Record<SourceTable, string> = {
	users: 'Users',
	events: 'Events',
	projects: 'Projects',
	referrals: 'Referrals',
	votes: 'Votes'
};

/** A record as Airtable's list-records API returns it: empty fields are left out of `fields`. */
export interface AirtableRecord {
	id: string;
	createdTime: string;
	fields: Record<string, unknown>;
}

export type SourceData = Record<SourceTable, AirtableRecord[]>;

/** The PostgreSQL tables the backfill fills, in dependency order (the report's rows). */
export const TARGET_TABLES = [
	'users',
	'events',
	'event_attendees',
	'projects',
	'project_collaborators',
	'referrals',
	'votes'
] as const;
export type TargetTable = (typeof TARGET_TABLES)[number];
