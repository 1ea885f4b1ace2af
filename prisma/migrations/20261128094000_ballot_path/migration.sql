-- The ballot path at the database's speed (issue #12). Three changes, each measured with
-- `npm run bench:voting` (BENCHMARKS.md, "Voting").
--
-- 1. The trigger votes_enforce_ballot_rules no longer repeats, per vote, what cast_ballot has just checked.
--    It locked the voter's attendance row, counted the event's projects and the voter's votes and looked
--    for own and team projects once per inserted row: three times per ballot, after cast_ballot had done
--    all of it once. The rules stay held by the database for every other write path.
--
--    How the trigger knows: right before its INSERT, cast_ballot sets the transaction-local setting
--    podium.ballot_checked to '<voter>/<event>' and clears it right after, so it is never set while a
--    client's own statement runs. A setting alone proves nothing (any session can call set_config), so
--    the trigger also reads the call stack (GET DIAGNOSTICS ... PG_CONTEXT, which PostgreSQL writes, not
--    the client): the row must come from an INSERT INTO "votes" issued by cast_ballot itself, called
--    directly by the client's statement. A client statement, a DO block or any other function that
--    inserts votes, with or without the setting, gets every check as before. Faking the stack needs a
--    function of cast_ballot's name and signature, i.e. the right to create functions, which is the right
--    to drop the trigger anyway. If the server's messages are translated (lc_messages other than English)
--    the stack does not match and the trigger simply checks every row again: slower, never weaker.
--
-- 2. cast_ballot no longer sends NOTIFY. A notifying transaction holds one cluster-wide lock from before
--    its commit until after its log flush, so every ballot waited for every other ballot's commit. The
--    app now sends the notice after the ballot has committed, outside its transaction, at most once per
--    event every 500 ms per app instance (src/lib/server/live-channel.ts): the live views ask for no more.
--
-- 3. New votes get time-ordered ids (UUID version 7: 48 bits of milliseconds, then random bits), so that
--    the primary key's new entries land on its last page instead of a random one: fewer pages written
--    (and logged whole after each checkpoint) per ballot. PostgreSQL 15 has no uuidv7(); this function
--    makes the same layout (RFC 9562) from gen_random_uuid(). Every index on votes is used (checked with
--    pg_stat_user_indexes after a benchmark run, and by the app's other queries), so none is dropped.

-- A UUID of version 7 (RFC 9562): the Unix time in milliseconds, the version, then random bits.
CREATE FUNCTION "uuid_v7"() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                placing substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

-- AlterTable
ALTER TABLE "votes" ALTER COLUMN "id" SET DEFAULT uuid_v7();

-- votes_enforce_ballot_rules as in 20261124043338_voting_guards (its comments there explain the locking),
-- skipping the rows that cast_ballot has just checked (see 1. above).
CREATE OR REPLACE FUNCTION "votes_enforce_ballot_rules"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    project_count integer;
    vote_limit integer;
    cast_votes integer;
    call_stack text;
BEGIN
    IF TG_OP = 'INSERT'
        AND current_setting('podium.ballot_checked', true) = NEW."voter_id"::text || '/' || NEW."event_id"::text
    THEN
        -- Innermost frame first: this function, the INSERT that fired it, then whoever ran that INSERT,
        -- which must be cast_ballot and the outermost frame (called by the client's own statement).
        GET DIAGNOSTICS call_stack = PG_CONTEXT;
        IF split_part(call_stack, E'\n', 2) LIKE 'SQL statement "INSERT INTO "votes" %'
            AND call_stack ~ E'\nPL/pgSQL function cast_ballot\\(uuid,uuid,text,uuid\\[\\],uuid,bigint,uuid\\) line [0-9]+ at SQL statement$'
        THEN
            RETURN NULL;
        END IF;
    END IF;

    PERFORM 1 FROM "event_attendees"
        WHERE "event_id" = NEW."event_id" AND "user_id" = NEW."voter_id"
        FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'only attendees of the event can vote' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'votes_voter_attends';
    END IF;

    IF EXISTS (SELECT 1 FROM "projects" WHERE "id" = NEW."project_id" AND "owner_id" = NEW."voter_id")
        OR EXISTS (SELECT 1 FROM "project_collaborators"
                   WHERE "project_id" = NEW."project_id" AND "user_id" = NEW."voter_id") THEN
        RAISE EXCEPTION 'nobody votes for their own or their team''s project' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'votes_not_own_project';
    END IF;

    SELECT count(*) INTO project_count FROM "projects" WHERE "event_id" = NEW."event_id";
    vote_limit := CASE WHEN project_count < 4 THEN 1 WHEN project_count < 20 THEN 2 ELSE 3 END;
    SELECT count(*) INTO cast_votes FROM "votes"
        WHERE "event_id" = NEW."event_id" AND "voter_id" = NEW."voter_id";
    IF cast_votes > vote_limit THEN
        RAISE EXCEPTION 'a voter has at most % votes in this event', vote_limit USING ERRCODE = 'check_violation',
            CONSTRAINT = 'votes_within_limit';
    END IF;
    RETURN NULL;
END;
$$;

-- cast_ballot as in 20261128070000_ballot_retries (its comments there explain the locking and the stamp),
-- with the signal to the trigger around its INSERT and without the NOTIFY (see 1. and 2. above).
CREATE OR REPLACE FUNCTION "cast_ballot"(p_voter uuid, p_event_id uuid, p_event_slug text, p_picks uuid[],
    p_device uuid DEFAULT NULL, p_seq bigint DEFAULT NULL, p_key uuid DEFAULT NULL)
RETURNS TABLE (outcome text, ballot_event uuid, vote_limit integer, saved_picks uuid[], saved_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_event uuid;
    v_phase "event_phase";
    v_owner uuid;
    v_saved_at timestamptz;
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
        SELECT e."id", e."phase", e."owner_id" INTO v_event, v_phase, v_owner
            FROM "events" e WHERE e."id" = p_event_id FOR SHARE;
    ELSE
        SELECT e."id", e."phase", e."owner_id" INTO v_event, v_phase, v_owner
            FROM "events" e WHERE e."slug" = p_event_slug FOR SHARE;
    END IF;
    IF v_event IS NULL THEN
        RETURN QUERY SELECT 'event_not_found'::text, NULL::uuid, 0, NULL::uuid[], NULL::timestamptz;
        RETURN;
    END IF;

    SELECT a."ballot_saved_at" INTO v_saved_at
        FROM "event_attendees" a WHERE a."event_id" = v_event AND a."user_id" = p_voter FOR UPDATE;
    IF NOT FOUND THEN
        -- A draft is invisible to all but its owner.
        RETURN QUERY SELECT CASE WHEN v_phase = 'draft' AND v_owner <> p_voter
            THEN 'event_not_found' ELSE 'not_attending' END, v_event, 0, NULL::uuid[], NULL::timestamptz;
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
    UPDATE "event_attendees" a SET "ballot_saved_at" = v_now
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
