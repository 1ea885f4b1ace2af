-- votes_enforce_ballot_rules as in 20261130170000_stack_by_last_lines, its frames compared with LIKE and =
-- instead of regular expressions.
--
-- The trigger trusts cast_ballot's own checks when cast_ballot, called by the client or by cast_ballots,
-- ran the INSERT, and confirms that from the call stack's last lines. Matching those lines with regular
-- expressions cost about 50 µs a vote (timed in a loop), 150 µs a ballot of three votes. Measured with
-- scripts/bench-cast-ballot.mjs --cpu --batch 50, the trigger took more of the database's time than
-- everything else a ballot does: 434 µs of CPU a ballot, against 202 with the trigger disabled
-- (BENCHMARKS.md). The same lines compared with LIKE (a frame's
-- line number is its only varying part) and with = (cast_ballots' statement, whose text is fixed) take
-- under a microsecond each.
--
-- The frames are exactly those of before: each is the whole line (split_part gives one line, and LIKE
-- without a leading or trailing % matches it whole), `\_` is a literal underscore for LIKE, and
-- `[`, `]`, `(`, `)`, `.` and `*` mean only themselves there. The last line of the call stack is always a
-- frame PostgreSQL writes, never text of a statement, so a statement cannot pose as one.
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
        -- The outermost frames are the last lines (split_part counts from the end with a negative
        -- number), each matched whole: a statement's text in between may span lines, a frame's may not.
        IF split_part(call_stack, E'\n', 2) LIKE 'SQL statement "INSERT INTO "votes" %'
            AND (
                split_part(call_stack, E'\n', -1) LIKE 'PL/pgSQL function cast\_ballot(uuid,uuid,text,uuid[],uuid,bigint,uuid,text) line % at SQL statement'
                OR (split_part(call_stack, E'\n', -1) LIKE 'PL/pgSQL function cast\_ballots(jsonb) line % at RETURN QUERY'
                    AND split_part(call_stack, E'\n', -2) = 'SQL statement "SELECT b.n, c.* FROM cast_ballot(b.voter, b.event_id, b.slug, b.picks, b.device, b.seq, b.key, b.client) c"'
                    AND split_part(call_stack, E'\n', -3) LIKE 'PL/pgSQL function cast\_ballot(uuid,uuid,text,uuid[],uuid,bigint,uuid,text) line % at SQL statement')
            )
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
