-- Issue 15 items 4 and 5: what integrity review, voiding and ballot receipts need, recorded by cast_ballot
-- itself so that a ballot stays one round trip (README, "Integrity review, voiding and receipts").
--
-- Receipts: after each recorded ballot cast_ballot stores a short code in event_attendees.ballot_receipt,
-- a keyed hash of (event, voter, sorted picks, time saved). The key is random per event, lives in
-- event_receipt_keys (made by the first ballot of the event) and is never shown: nobody can recompute a
-- receipt from a guess of who voted for what. The construction is NMAC over SHA-256, i.e. HMAC with two
-- independent random keys in place of one key xored with two pads: sha256(k_out || sha256(k_in || m)).
-- PostgreSQL's built-in sha256() (11+, PGlite too) is enough; pgcrypto is not needed.
--
-- Client address: the app passes the ballot request's client address; only a keyed hash of it (the same
-- event key, 16 hex characters) is stored, in event_attendees.ballot_client: enough to group ballots by
-- address within the event, not to learn the address, and not linkable across events.
--
-- Speed of a ballot: the vote page records when it served the ballot (event_attendees.ballot_served_at);
-- cast_ballot stores how many milliseconds later the ballot was saved (ballot_served_ms).
--
-- Voiding: the owner's void moves the voter's votes into voided_ballots (src/lib/server/results/voiding.ts)
-- and sets event_attendees.ballot_voided_at; cast_ballot then refuses that voter's ballots in the event
-- (outcome 'voided'), read from the attendance row it already locks: no extra query per ballot.

-- CreateTable
CREATE TABLE "event_receipt_keys" (
    "event_id" UUID NOT NULL,
    "key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_receipt_keys_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "voided_ballots" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "event_id" UUID NOT NULL,
    "voter_id" UUID NOT NULL,
    "voided_by_id" UUID,
    "voided_by_name" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "picks" JSONB NOT NULL DEFAULT '[]',
    "receipt" TEXT,
    "cast_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "voided_ballots_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "event_attendees" ADD COLUMN     "ballot_client" TEXT,
ADD COLUMN     "ballot_receipt" TEXT,
ADD COLUMN     "ballot_served_at" TIMESTAMPTZ(3),
ADD COLUMN     "ballot_served_ms" INTEGER,
ADD COLUMN     "ballot_voided_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "voided_ballots_event_id_voter_id_key" ON "voided_ballots"("event_id", "voter_id");

-- CreateIndex
CREATE INDEX "voided_ballots_voter_id_idx" ON "voided_ballots"("voter_id");

-- CreateIndex
CREATE INDEX "voided_ballots_voided_by_id_idx" ON "voided_ballots"("voided_by_id");

-- AddForeignKey
ALTER TABLE "event_receipt_keys" ADD CONSTRAINT "event_receipt_keys_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "voided_ballots" ADD CONSTRAINT "voided_ballots_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "voided_ballots" ADD CONSTRAINT "voided_ballots_voter_id_fkey" FOREIGN KEY ("voter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "voided_ballots" ADD CONSTRAINT "voided_ballots_voided_by_id_fkey" FOREIGN KEY ("voided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A void always says why.
ALTER TABLE "voided_ballots" ADD CONSTRAINT "voided_ballots_reason_check" CHECK (length(btrim("reason")) > 0);

-- 64 random bytes: the inner key (first 32) and the outer key (last 32) of the receipts' keyed hash.
-- gen_random_uuid() draws from the server's strong random source; four of them give 488 random bits.
CREATE FUNCTION "new_receipt_key"() RETURNS bytea LANGUAGE sql VOLATILE AS $$
    SELECT sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
        || sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
$$;

-- The receipt of a ballot: 50 bits of the keyed hash in Crockford's base32, as XXXXX-XXXXX. PL/pgSQL, not
-- SQL: PostgreSQL 15 plans a SQL function's body again at every call (about 0.2 ms here), PL/pgSQL keeps
-- its plans for the session (a few microseconds per receipt).
CREATE FUNCTION "ballot_receipt_code"(p_key bytea, p_event uuid, p_voter uuid, p_picks uuid[], p_at timestamptz)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v_bits bigint;
    v_code text := '';
BEGIN
    v_bits := ('x' || encode(substring(sha256(substring(p_key FROM 33 FOR 32) || sha256(
        substring(p_key FROM 1 FOR 32) || convert_to(
            p_event::text || '|' || p_voter::text || '|'
            || array_to_string(ARRAY(SELECT unnest(p_picks) ORDER BY 1), ',') || '|'
            || (extract(epoch FROM p_at) * 1000)::bigint::text, 'UTF8'))) FROM 1 FOR 8), 'hex'))::bit(64)::bigint;
    FOR i IN 0..9 LOOP
        v_code := v_code || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((v_bits >> (59 - 5 * i)) & 31)::integer + 1, 1);
        IF i = 4 THEN v_code := v_code || '-'; END IF;
    END LOOP;
    RETURN v_code;
END;
$$;

-- votes_enforce_ballot_rules as in 20261128094000_ballot_path, recognising cast_ballot by its new
-- signature (one more parameter, the client address).
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
            AND call_stack ~ E'\nPL/pgSQL function cast_ballot\\(uuid,uuid,text,uuid\\[\\],uuid,bigint,uuid,text\\) line [0-9]+ at SQL statement$'
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

DROP FUNCTION "cast_ballot"(uuid, uuid, text, uuid[], uuid, bigint, uuid);

-- cast_ballot as in 20261128094000_ballot_path (its comments and those of the migrations before it
-- explain the locking, the stamp and the signal to the trigger), plus: the client address (p_client, hashed
-- before it is stored), the receipt (returned and stored), the time since the ballot page was served, and
-- the refusal of a voided voter.
CREATE FUNCTION "cast_ballot"(p_voter uuid, p_event_id uuid, p_event_slug text, p_picks uuid[],
    p_device uuid DEFAULT NULL, p_seq bigint DEFAULT NULL, p_key uuid DEFAULT NULL, p_client text DEFAULT NULL)
RETURNS TABLE (outcome text, ballot_event uuid, vote_limit integer, saved_picks uuid[], saved_at timestamptz,
    receipt text)
LANGUAGE plpgsql AS $$
DECLARE
    v_event uuid;
    v_phase "event_phase";
    v_owner uuid;
    v_saved_at timestamptz;
    v_served_at timestamptz;
    v_voided_at timestamptz;
    v_receipt text;
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
        SELECT e."id", e."phase", e."owner_id" INTO v_event, v_phase, v_owner
            FROM "events" e WHERE e."id" = p_event_id FOR SHARE;
    ELSE
        SELECT e."id", e."phase", e."owner_id" INTO v_event, v_phase, v_owner
            FROM "events" e WHERE e."slug" = p_event_slug FOR SHARE;
    END IF;
    IF v_event IS NULL THEN
        RETURN QUERY SELECT 'event_not_found'::text, NULL::uuid, 0, NULL::uuid[], NULL::timestamptz, NULL::text;
        RETURN;
    END IF;

    SELECT a."ballot_saved_at", a."ballot_served_at", a."ballot_voided_at", a."ballot_receipt"
        INTO v_saved_at, v_served_at, v_voided_at, v_receipt
        FROM "event_attendees" a WHERE a."event_id" = v_event AND a."user_id" = p_voter FOR UPDATE;
    IF NOT FOUND THEN
        -- A draft is invisible to all but its owner.
        RETURN QUERY SELECT CASE WHEN v_phase = 'draft' AND v_owner <> p_voter
            THEN 'event_not_found' ELSE 'not_attending' END, v_event, 0, NULL::uuid[], NULL::timestamptz,
            NULL::text;
        RETURN;
    END IF;
    IF v_voided_at IS NOT NULL THEN
        RETURN QUERY SELECT 'voided'::text, v_event, 0, NULL::uuid[], NULL::timestamptz, NULL::text;
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
                v_saved_at, v_receipt;
            RETURN;
        END IF;
    END IF;

    IF v_phase <> 'voting' THEN
        RETURN QUERY SELECT 'phase_' || v_phase::text, v_event, 0, NULL::uuid[], NULL::timestamptz, NULL::text;
        RETURN;
    END IF;

    SELECT count(*),
           count(*) FILTER (WHERE p."owner_id" = p_voter OR EXISTS (
               SELECT 1 FROM "project_collaborators" c WHERE c."project_id" = p."id" AND c."user_id" = p_voter))
        INTO v_found, v_own
        FROM "projects" p WHERE p."event_id" = v_event AND p."id" = ANY (p_picks);
    IF v_found <> cardinality(p_picks) THEN
        RETURN QUERY SELECT 'not_in_event'::text, v_event, v_limit, NULL::uuid[], NULL::timestamptz, NULL::text;
        RETURN;
    END IF;
    IF v_own > 0 THEN
        RETURN QUERY SELECT 'own_project'::text, v_event, v_limit, NULL::uuid[], NULL::timestamptz, NULL::text;
        RETURN;
    END IF;
    IF cardinality(p_picks) > v_limit THEN
        RETURN QUERY SELECT 'too_many'::text, v_event, v_limit, NULL::uuid[], NULL::timestamptz, NULL::text;
        RETURN;
    END IF;

    -- The event's receipt key, made by its first ballot (concurrent first ballots agree on one).
    SELECT k."key" INTO v_key FROM "event_receipt_keys" k WHERE k."event_id" = v_event;
    IF v_key IS NULL THEN
        INSERT INTO "event_receipt_keys" ("event_id", "key") VALUES (v_event, new_receipt_key())
            ON CONFLICT ("event_id") DO NOTHING;
        SELECT k."key" INTO v_key FROM "event_receipt_keys" k WHERE k."event_id" = v_event;
    END IF;
    v_receipt := ballot_receipt_code(v_key, v_event, p_voter, p_picks, v_now);

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
    UPDATE "event_attendees" a SET "ballot_saved_at" = v_now, "ballot_receipt" = v_receipt,
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
    RETURN QUERY SELECT 'recorded'::text, v_event, v_limit, p_picks, v_now, v_receipt;
END;
$$;
