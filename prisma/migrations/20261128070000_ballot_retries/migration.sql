-- Ballots that survive the venue's Wi-Fi. The ballot page keeps an unsent ballot and sends it again until
-- it hears back, so the same ballot can arrive several times, and a copy of an older one can arrive after
-- a newer one (a request the server answered but whose answer was lost, then a retry). The page stamps
-- every ballot with its device (a random id the browser keeps), a sequence number that grows with each
-- new ballot of that device, and a key of its own. cast_ballot applies a stamped ballot only if its
-- sequence number is newer than the last one applied from that device: a retry is applied once, and a
-- late copy of an older ballot never undoes a newer one. Ballots without a stamp (the plain form without
-- JavaScript, older pages) are applied as before, in arrival order.

-- AlterTable
ALTER TABLE "event_attendees" ADD COLUMN     "ballot_saved_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "ballot_devices" (
    "event_id" UUID NOT NULL,
    "voter_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "last_key" UUID NOT NULL,

    CONSTRAINT "ballot_devices_pkey" PRIMARY KEY ("event_id","voter_id","device_id")
);

-- AddForeignKey
ALTER TABLE "ballot_devices" ADD CONSTRAINT "ballot_devices_event_id_voter_id_fkey" FOREIGN KEY ("event_id", "voter_id") REFERENCES "event_attendees"("event_id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- cast_ballot as in 20261124050917_cast_ballot (still one round trip per ballot; its comments there
-- explain the locking), with the stamp checked right after the voter's attendance row is locked: the
-- ballots of one voter run one after the other, so the device's last applied ballot read here is final.
-- A repeat or an outdated ballot changes nothing and answers the picks on record and when they were
-- saved, so that the page shows the truth. This check comes before the phase check on purpose: a retry
-- of a ballot recorded before voting closed is answered "saved", which it is, not "voting has closed".
DROP FUNCTION "cast_ballot"(uuid, uuid, text, uuid[]);

CREATE FUNCTION "cast_ballot"(p_voter uuid, p_event_id uuid, p_event_slug text, p_picks uuid[],
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
    INSERT INTO "votes" ("voter_id", "project_id", "event_id")
        SELECT p_voter, picked, v_event FROM unnest(p_picks) AS picked
        ON CONFLICT ("voter_id", "project_id") DO NOTHING;
    UPDATE "event_attendees" a SET "ballot_saved_at" = v_now
        WHERE a."event_id" = v_event AND a."user_id" = p_voter;
    IF p_device IS NOT NULL THEN
        INSERT INTO "ballot_devices" ("event_id", "voter_id", "device_id", "last_seq", "last_key")
            VALUES (v_event, p_voter, p_device, p_seq, p_key)
            ON CONFLICT ("event_id", "voter_id", "device_id") DO UPDATE
            SET "last_seq" = EXCLUDED."last_seq", "last_key" = EXCLUDED."last_key";
    END IF;
    -- The live views of every app instance hear of it on commit (src/lib/server/live-channel.ts).
    PERFORM pg_notify('podium_live', v_event::text);
    RETURN QUERY SELECT 'recorded'::text, v_event, v_limit, p_picks, v_now;
END;
$$;
