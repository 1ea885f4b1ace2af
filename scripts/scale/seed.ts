// Fills a migrated, empty Podium database with the scale data set: set-based SQL over the event plan
// (plan.ts), one INSERT ... SELECT per table, in one transaction that the caller opens.
//
// The per-row triggers (votes_enforce_ballot_rules, projects_one_per_owner, referrals_one_per_attendee,
// project_collaborators_not_owner) and the foreign-key triggers would cost minutes on a million votes,
// so the load runs with `session_replication_role = replica` (only a superuser may set it); checks.ts
// then proves with SQL that the data obeys every one of those rules, before the transaction commits.

import { planEvents, type Plan } from './plan.ts';
import type { ScaleSizes } from './sizes.ts';

/** Bump when the data set changes: `--reuse` re-seeds a database made by another version. */
export const SEED_VERSION = 1;

/** One connection (or transaction): runs one statement, returns its rows. */
export interface Sql {
	query<T = Record<string, unknown>>(text: string): Promise<T[]>;
}

/** A UUID (version 4 layout, so that z.uuid() accepts it) derived from a SQL text expression. */
function uuidOf(expression: string): string {
	return `(overlay(overlay(md5(${expression}) placing '4' from 13) placing '8' from 17))::uuid`;
}
const person = (n: string) => uuidOf(`'scale-person-' || (${n})`);
const eventId = (n: string) => uuidOf(`'scale-event-' || (${n})`);
const projectId = (n: string) => uuidOf(`'scale-project-' || (${n})`);
/** The day an event took place, from its plan row `e`. */
const eventDay = (e: string) => `(now() - make_interval(secs => ${e}.days_ago * 86400))`;

const FIRST_NAMES = `ARRAY['Ada','Ben','Chloe','Dev','Eve','Femi','Grace','Hugo','Iris','Jon','Kai','Lena','Milo','Nia','Omar',
	'Priya','Quinn','Rosa','Sam','Tara','Umar','Vera','Wen','Xavi','Yara','Zoe','Aiko','Bruno','Chen','Dara','Elif','Farah',
	'Gus','Hana','Ivan','Jade','Kofi','Lior','Maya','Noah','Olga','Pablo','Rhea','Sven','Tomas','Uma','Vik','Wanjiru','Yusuf','Zara']`;
const LAST_NAMES = `ARRAY['Okafor','Smith','Garcia','Nguyen','Müller','Kowalski','Haddad','Tanaka','Silva','Kim','Patel','Rossi',
	'Ivanova','Dubois','Mensah','Larsen','Cohen','Sato','Novak','Costa','Reyes','Fischer','Ali','Brown','Jansen','Moreau',
	'Lindqvist','Osei','Park','Yilmaz','Horvat','Nakamura','Ortiz','Petrov','Quispe','Rahman','Schmidt','Torres','Usman',
	'Vargas','Wójcik','Xu','Young','Zhou','Abara','Bianchi','Chavez','Dlamini','Eriksen','Fontaine']`;
const ANSWERS = `ARRAY['A friend','Instagram','School','TikTok','Discord','Hack Club Slack','A teacher','YouTube','Twitter',
	'Reddit','My club','A poster','Email newsletter','Last year''s event','GitHub','LinkedIn','A sibling','Google','Devpost',
	'The library','A workshop','Facebook','Our Discord server','My coding club','Word of mouth','A flyer','WhatsApp group',
	'Local news','Meetup.com','A hackathon before this one']`;
const WORDS = `ARRAY['Pixel','Quantum','Tiny','Solar','Pocket','Cloud','Swift','Neon','Paper','River','Robo','Echo','Atlas',
	'Byte','Comet','Delta','Ember','Flux','Glow','Harbor']`;
const THINGS = `ARRAY['Planner','Garden','Tracker','Radio','Bot','Map','Journal','Arcade','Compass','Lab','Studio','Buddy',
	'Scanner','Forge','Market','Quest','Kitchen','Library','Orchestra','Lens']`;

/** Statements in order, each with a label for the progress output. */
function statements(sizes: ScaleSizes, plan: Plan): [string, string][] {
	const P = sizes.people;
	// The plan's keys in SQL's spelling (project_offset, not projectOffset).
	const rows = plan.events.map((e) =>
		Object.fromEntries(
			Object.entries(e).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value])
		)
	);
	const json = JSON.stringify(rows).replaceAll("'", "''");
	return [
		['plan: seed', `SELECT 1 AS seeded FROM (SELECT setseed(0.2026)) AS s`],
		[
			'plan: events',
			`CREATE TEMP TABLE seed_event ON COMMIT DROP AS
			 SELECT * FROM jsonb_to_recordset('${json}'::jsonb) AS e(n int, name text, slug text, phase event_phase,
				deleted boolean, days_ago float8, first_person int, owner_person int, attendees int, projects int,
				collaborators int, project_offset int, vote_limit int, votes int, featured text)`
		],
		[
			// Attendee k of an event: person first_person + k (wrapping). The first `projects` attendees own
			// one project each; the next `collaborators` join project (k - projects) % projects. Each one
			// votes up to their limit (never for their own team's project) until the event's votes are reached.
			'plan: attendances',
			`CREATE TEMP TABLE seed_attendance ON COMMIT DROP AS
			 WITH a AS (
				SELECT e.n AS event_n, k, ((e.first_person - 1 + k) % ${P}) + 1 AS person,
					CASE WHEN k < e.projects THEN k WHEN k < e.projects + e.collaborators THEN (k - e.projects) % e.projects END AS team,
					e.projects, e.vote_limit, e.votes AS budget
				FROM seed_event e, generate_series(0, e.attendees - 1) AS k
			 ), c AS (
				SELECT a.*, least(a.vote_limit, a.projects - (a.team IS NOT NULL)::int) AS cap FROM a
			 ), v AS (
				SELECT c.*, sum(cap) OVER (PARTITION BY event_n ORDER BY k) - cap AS before FROM c
			 )
			 SELECT event_n, k, person, team, projects,
				greatest(0, least(cap, budget - before))::int AS votes,
				floor(power(random(), 2) * greatest(1, projects - (team IS NOT NULL)::int))::int AS pick_start
			 FROM v`
		],
		['plan: statistics', `ANALYZE seed_event`],
		['plan: statistics', `ANALYZE seed_attendance`],
		[
			'users',
			`INSERT INTO users (id, email, first_name, last_name, display_name, phone, street_1, city, state, zip_code,
				country, dob, profile_completed_at, platform_admin_since, created_at, updated_at)
			 SELECT ${person('n')}, lower(f || '.' || l || '.' || n) || '@scale.example', f, l, f || ' ' || left(l, 1) || '.',
				CASE WHEN n % 2 = 0 THEN '+1 555 ' || lpad((n % 10000000)::text, 7, '0') END,
				CASE WHEN n % 3 = 0 THEN (n % 900 + 1) || ' Main Street' END,
				CASE WHEN n % 3 = 0 THEN (ARRAY['Austin','Berlin','Lagos','Manila','Oslo'])[1 + n % 5] END,
				CASE WHEN n % 3 = 0 THEN 'State ' || (n % 50) END,
				CASE WHEN n % 3 = 0 THEN lpad((n % 99999)::text, 5, '0') END,
				CASE WHEN n % 3 = 0 THEN (ARRAY['US','DE','NG','PH','NO'])[1 + n % 5] END,
				CASE WHEN n % 4 = 0 THEN date '2000-01-01' + (n % 3650) END,
				joined, CASE WHEN n <= ${sizes.admins} THEN now() - interval '200 days' + n * interval '1 day' END,
				joined, joined
			 FROM generate_series(1, ${P}) AS n,
				LATERAL (SELECT (${FIRST_NAMES})[1 + n % 50] AS f, (${LAST_NAMES})[1 + (n / 50) % 50] AS l,
					now() - interval '1200 days' + (n::float8 / ${P}) * interval '1190 days' AS joined) AS x`
		],
		[
			'events',
			`INSERT INTO events (id, name, slug, description, join_code, owner_id, phase, feature_flags, deleted_at,
				created_at, updated_at)
			 SELECT ${eventId('e.n')}, e.name, e.slug,
				'A weekend of building things with ' || e.attendees || ' hackers. Bring a laptop, a charger and an idea; '
					|| 'we bring food, mentors and prizes for the projects the attendees like best.',
				'E' || lpad(e.n::text, 7, '0'), ${person('e.owner_person')}, e.phase,
				CASE WHEN e.n % 7 = 0 THEN ARRAY['daydream'] ELSE ARRAY[]::text[] END,
				CASE WHEN e.deleted THEN ${eventDay('e')} + interval '30 days' END,
				${eventDay('e')} - interval '30 days', ${eventDay('e')}
			 FROM seed_event e`
		],
		[
			'event_attendees',
			`INSERT INTO event_attendees (event_id, user_id, joined_at, ballot_saved_at)
			 SELECT ${eventId('a.event_n')}, ${person('a.person')}, ${eventDay('e')} - interval '10 days' + a.k * interval '1 second',
				CASE WHEN a.votes > 0 THEN ${eventDay('e')} + interval '3 hours' + a.k * interval '1 second' END
			 FROM seed_attendance a JOIN seed_event e ON e.n = a.event_n`
		],
		[
			'projects',
			`INSERT INTO projects (id, name, description, repo_url, demo_url, image_url, hours_spent, join_code, owner_id,
				event_id, created_at, updated_at)
			 SELECT ${projectId('j')}, (${WORDS})[1 + j % 20] || ' ' || (${THINGS})[1 + (j / 20) % 20] || ' ' || j,
				'Built in one weekend: it helps people with something they do every day. Made with Svelte, a database and '
					|| 'a lot of coffee; the demo shows the main flow and the repository has the details.',
				'https://github.com/scale-example/project-' || j, 'https://project-' || j || '.example.org',
				'https://images.example.org/project-' || j || '.png', (j % 40)::float8, 'P' || lpad(j::text, 7, '0'),
				${person(`((e.first_person - 1 + i) % ${P}) + 1`)}, ${eventId('e.n')},
				${eventDay('e')} - interval '1 day', ${eventDay('e')} - interval '1 day'
			 FROM seed_event e, generate_series(0, e.projects - 1) AS i, LATERAL (SELECT e.project_offset + i + 1 AS j) AS x`
		],
		[
			'project_collaborators',
			`INSERT INTO project_collaborators (project_id, user_id, joined_at)
			 SELECT ${projectId('e.project_offset + a.team + 1')}, ${person('a.person')}, ${eventDay('e')} - interval '20 hours'
			 FROM seed_attendance a JOIN seed_event e ON e.n = a.event_n
			 WHERE a.team IS NOT NULL AND a.k >= a.projects`
		],
		[
			// Vote t of an attendee: the (pick_start + t)-th project of the event, skipping their team's own.
			'votes',
			`INSERT INTO votes (voter_id, project_id, event_id, created_at)
			 SELECT ${person('a.person')}, ${projectId('e.project_offset + i + 1')}, ${eventId('a.event_n')},
				${eventDay('e')} + interval '3 hours' + a.k * interval '1 second'
			 FROM seed_attendance a JOIN seed_event e ON e.n = a.event_n,
				generate_series(0, a.votes - 1) AS t,
				LATERAL (SELECT (a.pick_start + t) % (a.projects - (a.team IS NOT NULL)::int) AS slot) AS s,
				LATERAL (SELECT CASE WHEN a.team IS NOT NULL AND s.slot >= a.team THEN s.slot + 1 ELSE s.slot END AS i) AS x
			 WHERE a.votes > 0`
		],
		[
			'referrals',
			`INSERT INTO referrals (content, user_id, event_id, created_at)
			 SELECT (${ANSWERS})[1 + floor(power(random(), 2) * 30)::int], ${person('a.person')}, ${eventId('a.event_n')},
				${eventDay('e')} - interval '10 days' + a.k * interval '1 second'
			 FROM seed_attendance a JOIN seed_event e ON e.n = a.event_n
			 WHERE random() < 0.4`
		],
		[
			'event_audit_log',
			`INSERT INTO event_audit_log (event_id, event_name, actor_id, actor_name, action, summary, details, created_at)
			 SELECT ${eventId('e.n')}, e.name, u.id, u.display_name || ' <' || u.email || '>', 'phase_changed',
				'Moved the event from ' || c.from_phase || ' to ' || c.to_phase || '.',
				jsonb_build_object('from', c.from_phase, 'to', c.to_phase), ${eventDay('e')} + c.after
			 FROM seed_event e
			 JOIN users u ON u.id = ${person('e.owner_person')}
			 JOIN (VALUES ('draft', 'submission', 1, interval '-7 days'), ('submission', 'voting', 2, interval '2 hours'),
					('voting', 'closed', 3, interval '6 hours')) AS c(from_phase, to_phase, step, after)
				ON c.step <= CASE e.phase WHEN 'submission' THEN 1 WHEN 'voting' THEN 2 WHEN 'closed' THEN 3 ELSE 0 END`
		],
		[
			'platform_audit_log',
			`INSERT INTO platform_audit_log (actor_id, actor_name, action, summary, reason, target_user_id, target_event_id,
				details, created_at)
			 WITH admins AS MATERIALIZED (
				SELECT id, display_name, email, platform_admin_since, (row_number() OVER (ORDER BY id) - 1)::int AS k
				FROM users WHERE platform_admin_since IS NOT NULL
			 )
			 SELECT actor_id, actor_name, action, summary, reason, target_user_id, target_event_id, details, created_at
			 FROM (
				SELECT NULL::uuid AS actor_id, 'operator command (root@podium)' AS actor_name, 'platform_admin_granted' AS action,
					'Made ' || a.display_name || ' a platform admin.' AS summary, NULL AS reason, a.id AS target_user_id,
					NULL::uuid AS target_event_id, jsonb_build_object('userId', a.id) AS details, a.platform_admin_since AS created_at,
					0 AS kind
				FROM admins a
				UNION ALL
				SELECT admin.id, admin.display_name || ' <' || admin.email || '>', 'event_soft_deleted',
					'Deleted the event ' || e.name || '.', 'Duplicate of another event', NULL, ${eventId('e.n')},
					jsonb_build_object('eventId', ${eventId('e.n')}), ${eventDay('e')} + interval '30 days', 1
				FROM seed_event e JOIN admins admin ON admin.k = 0
				WHERE e.deleted
				UNION ALL
				SELECT admin.id, admin.display_name || ' <' || admin.email || '>', act.action,
					act.summary || ' ' || target.display_name || '.', CASE WHEN i % 3 = 0 THEN 'Asked by the person by email' END,
					target.id, NULL, jsonb_build_object('userId', target.id), now() - i * interval '7 hours', 2
				FROM generate_series(1, ${sizes.platformAudit}) AS i
				JOIN admins admin ON admin.k = i % ${Math.max(1, sizes.admins)}
				CROSS JOIN LATERAL (SELECT id, display_name FROM users
					WHERE id = ${person(`1 + (i * 7919) % ${P}`)}) AS target
				CROSS JOIN LATERAL (SELECT (ARRAY['private_fields_revealed','email_changed','signed_out_everywhere',
					'person_exported','attendee_added','teammate_added'])[1 + i % 6] AS action,
					(ARRAY['Revealed the private fields of','Changed the email address of','Signed out everywhere',
					'Exported the data of','Added to an event','Added to a team'])[1 + i % 6] AS summary) AS act
			 ) AS rows
			 ORDER BY kind, created_at
			 LIMIT ${sizes.platformAudit}`
		]
	];
}

/** Makes the scale data set in the connection's open transaction; returns what each step took. */
export async function loadScaleData(
	sql: Sql,
	sizes: ScaleSizes,
	progress: (step: string, ms: number) => void = () => {}
): Promise<Plan> {
	const plan = planEvents(sizes);
	// Only for this transaction: the triggers are skipped for the load and checked by SQL afterwards.
	await sql.query(`SET LOCAL session_replication_role = replica`);
	for (const [step, text] of statements(sizes, plan)) {
		const started = performance.now();
		await sql.query(text);
		progress(step, performance.now() - started);
	}
	await sql.query(`SET LOCAL session_replication_role = DEFAULT`);
	await sql.query(`CREATE TABLE IF NOT EXISTS _scale_seed (
		version integer NOT NULL, sizes jsonb NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`);
	await sql.query(`DELETE FROM _scale_seed`);
	await sql.query(
		`INSERT INTO _scale_seed (version, sizes) VALUES (${SEED_VERSION}, '${JSON.stringify(sizes)}'::jsonb)`
	);
	return plan;
}

/** The seed version and sizes that made this database, or null if it was not made by this seed. */
export async function readSeedMarker(sql: Sql): Promise<{ version: number; sizes: ScaleSizes } | null> {
	const [exists] = await sql.query<{ found: boolean }>(
		`SELECT to_regclass('_scale_seed') IS NOT NULL AS found`
	);
	if (!exists.found) return null;
	const [row] = await sql.query<{ version: number; sizes: ScaleSizes }>(
		`SELECT version, sizes FROM _scale_seed`
	);
	return row ?? null;
}
