-- Issue 15: a voided ballot stays voided when its voter is removed from the event and joins it again.
-- The void lives in two places: voided_ballots (the record, one per voter and event, kept) and
-- event_attendees.ballot_voided_at (what cast_ballot reads, with the attendance row it locks anyway).
-- Removing the attendee deleted the second; a new attendance row now takes it back from the first,
-- whatever inserts it (joining by code, a platform admin's fix, a merge, the backfill).
CREATE FUNCTION "event_attendees_keep_void"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."ballot_voided_at" IS NULL THEN
        NEW."ballot_voided_at" := (SELECT vb."created_at" FROM "voided_ballots" vb
            WHERE vb."event_id" = NEW."event_id" AND vb."voter_id" = NEW."user_id");
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "event_attendees_keep_void" BEFORE INSERT ON "event_attendees"
    FOR EACH ROW EXECUTE FUNCTION "event_attendees_keep_void"();
