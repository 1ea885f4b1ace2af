import { m } from '$lib/paraglide/messages';
import type { HealthFlag } from '$lib/server/platform/event-health';

// The names of health flags and of activity kinds on the platform admin pages, in the reader's
// language. The message functions are called when a page shows a name, never here.

const flags: Record<HealthFlag, () => string> = {
	voting_without_ballots: m.platform_flag_voting_without_ballots,
	low_turnout: m.platform_flag_low_turnout,
	draft_with_attendees: m.platform_flag_draft_with_attendees
};

/** What a health flag of an event says. */
export function flagLabel(flag: HealthFlag): string {
	return flags[flag]();
}

const kinds: Record<string, () => string> = {
	phase_changed: m.platform_kind_phase_changed,
	join_code_regenerated: m.platform_kind_join_code_regenerated,
	attendee_removed: m.platform_kind_attendee_removed,
	project_removed: m.platform_kind_project_removed,
	settings_changed: m.platform_kind_settings_changed,
	event_deleted: m.platform_kind_event_deleted,
	sign_in_code_issued: m.platform_kind_sign_in_code_issued,
	sign_in_code_used: m.platform_kind_sign_in_code_used,
	schedule_changed: m.platform_kind_schedule_changed,
	scheduled_change_skipped: m.platform_kind_scheduled_change_skipped,
	voting_reminders_sent: m.platform_kind_voting_reminders_sent,
	platform_admin_granted: m.platform_kind_platform_admin_granted,
	platform_admin_revoked: m.platform_kind_platform_admin_revoked,
	event_transferred: m.platform_kind_event_transferred,
	event_soft_deleted: m.platform_kind_event_soft_deleted,
	event_restored: m.platform_kind_event_restored,
	event_purged: m.platform_kind_event_purged,
	private_fields_revealed: m.platform_kind_private_fields_revealed,
	email_changed: m.platform_kind_email_changed,
	people_merged: m.platform_kind_people_merged,
	signed_out_everywhere: m.platform_kind_signed_out_everywhere,
	person_exported: m.platform_kind_person_exported,
	person_deleted: m.platform_kind_person_deleted,
	attendee_added: m.platform_kind_attendee_added,
	teammate_added: m.platform_kind_teammate_added,
	teammate_removed: m.platform_kind_teammate_removed,
	legacy_points_adjusted: m.platform_kind_legacy_points_adjusted,
	ballot_voided: m.platform_kind_ballot_voided,
	projects_exported: m.platform_kind_projects_exported,
	activity_exported: m.platform_kind_activity_exported,
	series_created: m.platform_kind_series_created,
	series_changed: m.platform_kind_series_changed,
	series_deleted: m.platform_kind_series_deleted,
	series_event_added: m.platform_kind_series_event_added,
	series_event_removed: m.platform_kind_series_event_removed,
	series_flagship_set: m.platform_kind_series_flagship_set,
	maintenance_started: m.platform_kind_maintenance_started,
	maintenance_ended: m.platform_kind_maintenance_ended
};

/** The name of a kind of activity ("ballot voided"); a kind without a name yet reads as its code. */
export function kindLabel(kind: string): string {
	return kinds[kind]?.() ?? kind.replaceAll('_', ' ');
}
