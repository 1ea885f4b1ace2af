-- Where to look for a person's votes across events, now that no index on votes starts with the voter
-- (20261130150000_votes_by_project): the events they attend, and those they left while votes they cast
-- there stayed. Every vote is cast by an attendee (votes_enforce_ballot_rules), so a vote's event is one
-- of the two as long as every attendance that goes with its votes kept is noted here: by the trigger
-- below, whoever deletes the row (an owner's or a platform admin's removal, a merge).
CREATE TABLE "former_attendees" (
    "user_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "left_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "former_attendees_pkey" PRIMARY KEY ("user_id","event_id")
);

CREATE FUNCTION "event_attendees_note_departure"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM "votes" WHERE "event_id" = OLD."event_id" AND "voter_id" = OLD."user_id") THEN
        INSERT INTO "former_attendees" ("user_id", "event_id") VALUES (OLD."user_id", OLD."event_id")
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "event_attendees_note_departure"
    AFTER DELETE ON "event_attendees"
    FOR EACH ROW EXECUTE FUNCTION "event_attendees_note_departure"();

-- The votes already on record whose voter no longer attends their event.
INSERT INTO "former_attendees" ("user_id", "event_id")
    SELECT DISTINCT v."voter_id", v."event_id" FROM "votes" v
    WHERE NOT EXISTS (
        SELECT 1 FROM "event_attendees" a WHERE a."event_id" = v."event_id" AND a."user_id" = v."voter_id");
