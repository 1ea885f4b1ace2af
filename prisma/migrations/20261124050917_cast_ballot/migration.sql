-- A ballot in one round trip to the database. At the end-of-event rush every round trip costs the app
-- a socket write and its client's work; checking and recording a ballot inside the database makes it one
-- statement instead of a transaction of four (see BENCHMARKS.md).
--
-- Each statement in a PL/pgSQL function sees what committed before it, so once the voter's attendance
-- row is locked, the votes of this voter's other ballots are visible: they run one after the other and
-- the last one wins. The event row is held (FOR SHARE) so that closing voting waits for ballots under
-- way. The outcome says why a ballot was refused; the app words it for the voter. Nothing is written
-- unless the outcome is 'recorded'. The trigger votes_enforce_ballot_rules still checks every vote.
CREATE FUNCTION "cast_ballot"(p_voter uuid, p_event_id uuid, p_event_slug text, p_picks uuid[])
RETURNS TABLE (outcome text, ballot_event uuid, vote_limit integer) LANGUAGE plpgsql AS $$
DECLARE
    v_event uuid;
    v_phase "event_phase";
    v_owner uuid;
    v_projects integer;
    v_limit integer;
    v_found integer;
    v_own integer;
BEGIN
    IF p_event_id IS NOT NULL THEN
        SELECT e."id", e."phase", e."owner_id" INTO v_event, v_phase, v_owner
            FROM "events" e WHERE e."id" = p_event_id FOR SHARE;
    ELSE
        SELECT e."id", e."phase", e."owner_id" INTO v_event, v_phase, v_owner
            FROM "events" e WHERE e."slug" = p_event_slug FOR SHARE;
    END IF;
    IF v_event IS NULL THEN
        RETURN QUERY SELECT 'event_not_found'::text, NULL::uuid, 0;
        RETURN;
    END IF;

    PERFORM 1 FROM "event_attendees" a WHERE a."event_id" = v_event AND a."user_id" = p_voter FOR UPDATE;
    IF NOT FOUND THEN
        -- A draft is invisible to all but its owner.
        RETURN QUERY SELECT CASE WHEN v_phase = 'draft' AND v_owner <> p_voter
            THEN 'event_not_found' ELSE 'not_attending' END, v_event, 0;
        RETURN;
    END IF;
    IF v_phase <> 'voting' THEN
        RETURN QUERY SELECT 'phase_' || v_phase::text, v_event, 0;
        RETURN;
    END IF;

    SELECT count(*) INTO v_projects FROM "projects" p WHERE p."event_id" = v_event;
    v_limit := CASE WHEN v_projects < 4 THEN 1 WHEN v_projects < 20 THEN 2 ELSE 3 END;
    SELECT count(*),
           count(*) FILTER (WHERE p."owner_id" = p_voter OR EXISTS (
               SELECT 1 FROM "project_collaborators" c WHERE c."project_id" = p."id" AND c."user_id" = p_voter))
        INTO v_found, v_own
        FROM "projects" p WHERE p."event_id" = v_event AND p."id" = ANY (p_picks);
    IF v_found <> cardinality(p_picks) THEN
        RETURN QUERY SELECT 'not_in_event'::text, v_event, v_limit;
        RETURN;
    END IF;
    IF v_own > 0 THEN
        RETURN QUERY SELECT 'own_project'::text, v_event, v_limit;
        RETURN;
    END IF;
    IF cardinality(p_picks) > v_limit THEN
        RETURN QUERY SELECT 'too_many'::text, v_event, v_limit;
        RETURN;
    END IF;

    -- Picks kept from the last ballot stay as they are (with their time); the others go, new ones come.
    DELETE FROM "votes" v
        WHERE v."event_id" = v_event AND v."voter_id" = p_voter AND NOT (v."project_id" = ANY (p_picks));
    INSERT INTO "votes" ("voter_id", "project_id", "event_id")
        SELECT p_voter, picked, v_event FROM unnest(p_picks) AS picked
        ON CONFLICT ("voter_id", "project_id") DO NOTHING;
    -- The live views of every app instance hear of it on commit (src/lib/server/live-channel.ts).
    PERFORM pg_notify('podium_live', v_event::text);
    RETURN QUERY SELECT 'recorded'::text, v_event, v_limit;
END;
$$;
