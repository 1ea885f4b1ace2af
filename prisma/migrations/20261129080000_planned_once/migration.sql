-- Issue 12: the two statements of every ballot planned once per connection, not at every request.
--
-- A statement sent by the app is planned each time it runs; one inside a PL/pgSQL function is planned
-- once per connection and kept. On the embedded database (PGlite: PostgreSQL in WebAssembly, in the app's
-- own thread) planning is dear: it weighs every index of every table in the statement (users has nine,
-- events ten) and asks the file system for the size of each. Timed on PGlite, one statement at a time:
-- the session lookup 356-397 µs as sent by the app, 130-160 µs from a function; the ballot's event
-- lookup 226-262 µs, 118-132 µs. Together about a sixth of an embedded ballot (BENCHMARKS.md).
--
-- 1. session_of: the session and its user (src/lib/server/auth/sessions.ts), on every request of a
--    signed-in person.
CREATE FUNCTION "session_of"(p_id text)
RETURNS TABLE (id text, user_id uuid, expires_at timestamptz, email text, first_name text, last_name text,
    display_name text, profile_complete boolean, is_platform_admin boolean, locale text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT s."id", s."user_id", s."expires_at"::timestamptz, u."email", u."first_name",
            u."last_name", u."display_name", u."profile_completed_at" IS NOT NULL,
            u."platform_admin_since" IS NOT NULL, u."locale"::text
        FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
        WHERE s."id" = p_id;
END;
$$;

-- 2. cast_ballot refuses a soft-deleted event itself (event_not_found), as the app's statement around it
--    did (a LATERAL call for the event rows not deleted): the app now calls it on its own, and the rule
--    holds for every caller. Otherwise as in 20261128114000_ballot_key, whose comments (and those of the
--    migrations before it) explain the locking, the stamp, the signal to the trigger and the integrity
--    columns. Same signature: the trigger votes_enforce_ballot_rules recognises its caller by it.
CREATE OR REPLACE FUNCTION "cast_ballot"(p_voter uuid, p_event_id uuid, p_event_slug text, p_picks uuid[],
    p_device uuid DEFAULT NULL, p_seq bigint DEFAULT NULL, p_key uuid DEFAULT NULL, p_client text DEFAULT NULL)
RETURNS TABLE (outcome text, ballot_event uuid, vote_limit integer, saved_picks uuid[], saved_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_event uuid;
    v_phase "event_phase";
    v_owner uuid;
    v_saved_at timestamptz;
    v_served_at timestamptz;
    v_voided_at timestamptz;
    v_key bytea;
    v_last_seq bigint;
    v_last_key uuid;
    v_projects integer;
    v_limit integer;
    v_found integer;
    v_own integer;
    v_now timestamptz := now()::timestamptz(3);
BEGIN
    IF (p_device IS NULL) <> (p_seq IS NULL) OR (p_device IS NULL) <> (p_key IS NULL) THEN
        RAISE EXCEPTION 'a ballot stamp has a device, a sequence number and a key, or none of them'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF p_event_id IS NOT NULL THEN
        SELECT e."id", e."phase", e."owner_id", e."ballot_key" INTO v_event, v_phase, v_owner, v_key
            FROM "events" e WHERE e."id" = p_event_id AND e."deleted_at" IS NULL FOR SHARE;
    ELSE
        SELECT e."id", e."phase", e."owner_id", e."ballot_key" INTO v_event, v_phase, v_owner, v_key
            FROM "events" e WHERE e."slug" = p_event_slug AND e."deleted_at" IS NULL FOR SHARE;
    END IF;
    IF v_event IS NULL THEN
        RETURN QUERY SELECT 'event_not_found'::text, NULL::uuid, 0, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;

    SELECT a."ballot_saved_at", a."ballot_served_at", a."ballot_voided_at"
        INTO v_saved_at, v_served_at, v_voided_at
        FROM "event_attendees" a WHERE a."event_id" = v_event AND a."user_id" = p_voter FOR UPDATE;
    IF NOT FOUND THEN
        -- A draft is invisible to all but its owner.
        RETURN QUERY SELECT CASE WHEN v_phase = 'draft' AND v_owner <> p_voter
            THEN 'event_not_found' ELSE 'not_attending' END, v_event, 0, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;
    IF v_voided_at IS NOT NULL THEN
        RETURN QUERY SELECT 'voided'::text, v_event, 0, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;

    SELECT count(*) INTO v_projects FROM "projects" p WHERE p."event_id" = v_event;
    v_limit := CASE WHEN v_projects < 4 THEN 1 WHEN v_projects < 20 THEN 2 ELSE 3 END;

    IF p_device IS NOT NULL THEN
        SELECT d."last_seq", d."last_key" INTO v_last_seq, v_last_key
            FROM "ballot_devices" d
            WHERE d."event_id" = v_event AND d."voter_id" = p_voter AND d."device_id" = p_device;
        IF FOUND AND (v_last_key = p_key OR v_last_seq >= p_seq) THEN
            RETURN QUERY SELECT CASE WHEN v_last_key = p_key THEN 'repeat' ELSE 'outdated' END, v_event, v_limit,
                ARRAY(SELECT v."project_id" FROM "votes" v WHERE v."event_id" = v_event AND v."voter_id" = p_voter
                      ORDER BY v."created_at", v."project_id"),
                v_saved_at;
            RETURN;
        END IF;
    END IF;

    IF v_phase <> 'voting' THEN
        RETURN QUERY SELECT 'phase_' || v_phase::text, v_event, 0, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;

    SELECT count(*),
           count(*) FILTER (WHERE p."owner_id" = p_voter OR EXISTS (
               SELECT 1 FROM "project_collaborators" c WHERE c."project_id" = p."id" AND c."user_id" = p_voter))
        INTO v_found, v_own
        FROM "projects" p WHERE p."event_id" = v_event AND p."id" = ANY (p_picks);
    IF v_found <> cardinality(p_picks) THEN
        RETURN QUERY SELECT 'not_in_event'::text, v_event, v_limit, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;
    IF v_own > 0 THEN
        RETURN QUERY SELECT 'own_project'::text, v_event, v_limit, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;
    IF cardinality(p_picks) > v_limit THEN
        RETURN QUERY SELECT 'too_many'::text, v_event, v_limit, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;


    -- Picks kept from the last ballot stay as they are (with their time); the others go, new ones come.
    DELETE FROM "votes" v
        WHERE v."event_id" = v_event AND v."voter_id" = p_voter AND NOT (v."project_id" = ANY (p_picks));
    -- Every rule of votes_enforce_ballot_rules was checked above, with the voter's attendance row locked:
    -- tell the trigger so, for this voter and event, for this one statement only.
    PERFORM set_config('podium.ballot_checked', p_voter::text || '/' || v_event::text, true);
    INSERT INTO "votes" ("voter_id", "project_id", "event_id")
        SELECT p_voter, picked, v_event FROM unnest(p_picks) AS picked
        ON CONFLICT ("voter_id", "project_id") DO NOTHING;
    PERFORM set_config('podium.ballot_checked', '', true);
    UPDATE "event_attendees" a SET "ballot_saved_at" = v_now,
            "ballot_served_ms" = CASE WHEN v_served_at IS NULL THEN NULL
                ELSE least(extract(epoch FROM v_now - v_served_at) * 1000, 2147483647)::integer END,
            "ballot_client" = CASE WHEN p_client IS NULL THEN NULL
                ELSE encode(substring(sha256(substring(v_key FROM 1 FOR 32)
                    || convert_to('client|' || p_client, 'UTF8')) FROM 1 FOR 8), 'hex') END
        WHERE a."event_id" = v_event AND a."user_id" = p_voter;
    IF p_device IS NOT NULL THEN
        INSERT INTO "ballot_devices" ("event_id", "voter_id", "device_id", "last_seq", "last_key")
            VALUES (v_event, p_voter, p_device, p_seq, p_key)
            ON CONFLICT ("event_id", "voter_id", "device_id") DO UPDATE
            SET "last_seq" = EXCLUDED."last_seq", "last_key" = EXCLUDED."last_key";
    END IF;
    RETURN QUERY SELECT 'recorded'::text, v_event, v_limit, p_picks, v_now;
END;
$$;
