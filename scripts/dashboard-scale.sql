-- A throwaway database at the scale the platform dashboard must stay fast at (100,000 people, 5,000
-- events, 300,000 attendances, 30,000 projects, 1,000,000 votes, 100,000 referral answers), spread over
-- five years, for EXPLAIN ANALYZE of src/lib/server/platform/dashboard.ts. Not the official seed.
--   psql $URL -f scripts/dashboard-scale.sql     (on a migrated, empty database)
SET session_replication_role = replica; -- no triggers, no foreign-key checks: bulk load only
BEGIN;
CREATE TEMP TABLE ids AS
    SELECT 'u' AS kind, i, gen_random_uuid() AS id FROM generate_series(0, 99999) i
    UNION ALL SELECT 'e', i, gen_random_uuid() FROM generate_series(0, 4999) i;
CREATE INDEX ON ids (kind, i);

INSERT INTO users (id, email, first_name, display_name, profile_completed_at, created_at, updated_at)
SELECT id, 'scale-' || i || '@example.test', 'Person' || i, 'Person ' || i, now(),
       now() - (i / 100000.0) * interval '5 years', now()
FROM ids WHERE kind = 'u';

-- Event e: created (4999 - e) / 1000 years ago; 60 attendees (users 60e .. 60e+59 mod 100,000);
-- 6 projects owned by the first six; 44..60 voters with 4 votes each. The newest 20 are in voting,
-- the next 60 in submission, 40 drafts, 25 soft-deleted; the rest closed.
INSERT INTO events (id, name, slug, join_code, owner_id, phase, deleted_at, created_at, updated_at)
SELECT e.id, 'Scale event ' || e.i, 'scale-event-' || e.i, 'S' || lpad(e.i::text, 5, '0'),
       u.id,
       (CASE WHEN e.i >= 4980 THEN 'voting' WHEN e.i >= 4920 THEN 'submission'
             WHEN e.i >= 4880 THEN 'draft' ELSE 'closed' END)::event_phase,
       CASE WHEN e.i % 200 = 7 THEN now() END,
       now() - ((4999 - e.i) / 1000.0) * interval '1 year', now()
FROM ids e JOIN ids u ON u.kind = 'u' AND u.i = (e.i * 17) % 100000
WHERE e.kind = 'e';

CREATE TEMP TABLE att AS
SELECT e.id AS event_id, e.i AS ei, k, u.id AS user_id, ev.created_at
FROM ids e
CROSS JOIN generate_series(0, 59) k
JOIN ids u ON u.kind = 'u' AND u.i = (e.i * 60 + k) % 100000
JOIN events ev ON ev.id = e.id
WHERE e.kind = 'e';

INSERT INTO event_attendees (event_id, user_id, joined_at, ballot_saved_at)
SELECT event_id, user_id, created_at + (k * interval '1 hour'),
       CASE WHEN k < 44 + (ei * 7) % 17 AND (ei < 4880 OR ei >= 4980) THEN
           CASE WHEN ei >= 4980 THEN now() - (k * interval '1 minute') ELSE created_at + interval '3 days' END
       END
FROM att;

CREATE TEMP TABLE proj AS
SELECT gen_random_uuid() AS id, event_id, ei, k, user_id, created_at FROM att WHERE k < 6;
INSERT INTO projects (id, name, join_code, owner_id, event_id, created_at, updated_at)
SELECT id, 'Project ' || ei || '-' || k, 'P' || lpad((ei * 6 + k)::text, 6, '0'), user_id, event_id,
       created_at + interval '1 day', now()
FROM proj;

-- Voter k votes for projects (k+1 .. k+4) mod 6: never their own (projects 0..5 belong to k = 0..5).
INSERT INTO votes (voter_id, project_id, event_id, created_at)
SELECT a.user_id, p.id, a.event_id,
       CASE WHEN a.ei >= 4980 THEN now() - (a.k * interval '1 minute') ELSE a.created_at + interval '3 days' END
FROM att a
CROSS JOIN generate_series(1, 4) j
JOIN proj p ON p.event_id = a.event_id AND p.k = (a.k + j) % 6
WHERE a.k < 44 + (a.ei * 7) % 17 AND (a.ei < 4880 OR a.ei >= 4980);

-- A third of the joins answered the referral question, in 40 answers written every which way.
INSERT INTO referrals (content, user_id, event_id, created_at)
SELECT (ARRAY['Friend', ' friend ', 'FRIEND', 'Instagram', 'instagram  ', 'a  teacher', 'A teacher', 'Slack',
              'hack club slack', 'Hack Club  Slack'])[1 + (ei + k) % 10] || CASE WHEN k % 4 = 0 THEN ' ' || (ei % 4) ELSE '' END,
       user_id, event_id, created_at + interval '2 hours'
FROM att WHERE k % 3 = 0;
COMMIT;
SET session_replication_role = origin;
VACUUM ANALYZE;
SELECT (SELECT count(*) FROM users) users, (SELECT count(*) FROM events) events,
       (SELECT count(*) FROM event_attendees) attendances, (SELECT count(*) FROM projects) projects,
       (SELECT count(*) FROM votes) votes, (SELECT count(*) FROM referrals) referrals;
