-- Issue 15: a ballot as fast as before receipts (README, "Integrity review, voiding and receipts").
--
-- 20261128113000_integrity had cast_ballot look up the event's receipt key (a second table) and compute
-- the receipt for every ballot: about a tenth of the database's ballots per second. Now:
-- * the key is a column of the event row, which cast_ballot reads (and locks) anyway: events.ballot_key,
--   64 random bytes made with the event, never selected by the Prisma client (@ignore);
-- * the receipt is no longer computed or stored by the database. It is a function of what the database
--   holds already: the key, the event, the voter, the picks on record and when they were saved
--   (ballot_saved_at). The app computes it (src/lib/server/results/receipt-code.ts) when it shows one or
--   lists the counted ones, with the same keyed hash as before, so receipts given before this migration
--   still match. A changed, voided or fixed ballot no longer has its old picks or time: its old receipt
--   falls out of the list by itself.
-- * cast_ballot still stores the keyed hash of the client address, with the event's key it has in hand.

ALTER TABLE "events" ADD COLUMN "ballot_key" BYTEA NOT NULL DEFAULT new_receipt_key();
-- Events that already gave receipts keep their key.
UPDATE "events" e SET "ballot_key" = k."key" FROM "event_receipt_keys" k WHERE k."event_id" = e."id";
DROP TABLE "event_receipt_keys";

ALTER TABLE "event_attendees" DROP COLUMN "ballot_receipt";
DROP FUNCTION "ballot_receipt_code"(bytea, uuid, uuid, uuid[], timestamptz);

-- Same signature as before (votes_enforce_ballot_rules recognises the caller by it), one result column
-- less: the receipt.
DROP FUNCTION "cast_ballot"(uuid, uuid, text, uuid[], uuid, bigint, uuid, text);

-- cast_ballot as in 20261128113000_integrity (its comments and those of the migrations before it explain
-- the locking, the stamp, the signal to the trigger and the integrity columns), without the receipt.
CREATE FUNCTION "cast_ballot"(p_voter uuid, p_event_id uuid, p_event_slug text, p_picks uuid[],
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
            FROM "events" e WHERE e."id" = p_event_id FOR SHARE;
    ELSE
        SELECT e."id", e."phase", e."owner_id", e."ballot_key" INTO v_event, v_phase, v_owner, v_key
            FROM "events" e WHERE e."slug" = p_event_slug FOR SHARE;
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
