-- Issue 12: ballots that arrive together are cast together, in one statement and one commit; so are the
-- session lookups of the requests that arrive together.
--
-- At the end-of-event rush every ballot was its own round trip and its own commit, each waiting for the
-- log's flush (LWLock:WALWrite, BENCHMARKS.md), and every request also looked up its session on its own.
-- The app now gathers the calls that arrive while earlier ones are under way and makes them in one
-- statement (src/lib/server/batches.ts).
--
-- 1. cast_ballots: cast_ballot for each ballot of a JSON array, in the array's order, in one transaction.
--    Each ballot keeps its own answer (the `ballot` column is its place in the array, from 1). A refusal
--    is an answer like any other; an error (none is expected: cast_ballot answers refusals) ends the whole
--    call and rolls every ballot of it back, and the app then casts them one by one to give each its own.
--    The app sends the ballots ordered by event and voter, so that two calls lock attendance rows in the
--    same order and never wait for each other in a circle.
CREATE FUNCTION "cast_ballots"(p_ballots jsonb)
RETURNS TABLE (ballot integer, outcome text, ballot_event uuid, vote_limit integer, saved_picks uuid[],
    saved_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    b record;
BEGIN
    FOR b IN
        SELECT e.n::integer AS n, x.*
        FROM jsonb_array_elements(p_ballots) WITH ORDINALITY AS e(one, n)
        CROSS JOIN LATERAL jsonb_to_record(e.one) AS x(voter uuid, event_id uuid, slug text, picks uuid[],
            device uuid, seq bigint, key uuid, client text)
        ORDER BY e.n
    LOOP
        -- On one line: votes_enforce_ballot_rules reads this statement in the call stack.
        RETURN QUERY SELECT b.n, c.* FROM cast_ballot(b.voter, b.event_id, b.slug, b.picks, b.device, b.seq, b.key, b.client) c;
    END LOOP;
END;
$$;

-- 2. sessions_of: session_of (20261129080000_planned_once) for several sessions at once. `n` is the place
--    of the session's id in p_ids, from 1; an id without a session has no row.
CREATE FUNCTION "sessions_of"(p_ids text[])
RETURNS TABLE (n integer, id text, user_id uuid, expires_at timestamptz, email text, first_name text,
    last_name text, display_name text, profile_complete boolean, is_platform_admin boolean, locale text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT i.n::integer, s."id", s."user_id", s."expires_at"::timestamptz, u."email",
            u."first_name", u."last_name", u."display_name", u."profile_completed_at" IS NOT NULL,
            u."platform_admin_since" IS NOT NULL, u."locale"::text
        FROM unnest(p_ids) WITH ORDINALITY AS i(sid, n)
        JOIN "sessions" s ON s."id" = i.sid
        JOIN "users" u ON u."id" = s."user_id";
END;
$$;

-- 3. votes_enforce_ballot_rules as in 20261128113000_integrity, recognising cast_ballot also when
--    cast_ballots called it (and nothing else did): cast_ballot's frame may be followed by cast_ballots'
--    statement that calls it and cast_ballots' frame, the outermost. Whoever can fake that frame can create functions, and so drop the trigger.
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
        -- which must be cast_ballot, called by the client's own statement or by cast_ballots so called.
        GET DIAGNOSTICS call_stack = PG_CONTEXT;
        IF split_part(call_stack, E'\n', 2) LIKE 'SQL statement "INSERT INTO "votes" %'
            AND call_stack ~ E'\nPL/pgSQL function cast_ballot\\(uuid,uuid,text,uuid\\[\\],uuid,bigint,uuid,text\\) line [0-9]+ at SQL statement(\nSQL statement "SELECT b\\.n, c\\.\\* FROM cast_ballot\\([a-z_., ]+\\) c"\nPL/pgSQL function cast_ballots\\(jsonb\\) line [0-9]+ at RETURN QUERY)?$'
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
