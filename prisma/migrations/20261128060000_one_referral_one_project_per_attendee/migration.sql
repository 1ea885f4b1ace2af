-- Two rules of an attendee's own rows, held by the database for everything written in Podium
-- (airtable_id IS NULL; imported rows keep what the old system had). Each trigger locks the person's
-- attendance row first, so two concurrent inserts for one person and event run one after the other and
-- the second one sees the first: counting in the app and then inserting let 30 concurrent requests write
-- up to 6 rows.

-- One answer to "how did you hear about this event?" per attendee and event.
CREATE FUNCTION "referrals_one_per_attendee"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM "event_attendees"
        WHERE "event_id" = NEW."event_id" AND "user_id" = NEW."user_id"
        FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'only attendees of the event answer its referral question'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'referrals_author_attends';
    END IF;
    IF EXISTS (SELECT 1 FROM "referrals" WHERE "event_id" = NEW."event_id" AND "user_id" = NEW."user_id") THEN
        RAISE EXCEPTION 'an attendee answers the referral question of an event once'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'referrals_one_per_attendee';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "referrals_one_per_attendee"
    BEFORE INSERT ON "referrals"
    FOR EACH ROW WHEN (NEW."airtable_id" IS NULL AND NEW."user_id" IS NOT NULL)
    EXECUTE FUNCTION "referrals_one_per_attendee"();

-- One project owned per attendee and event: the number of projects sets everyone's vote limit (1, 2 or
-- 3), so one person must not be able to raise it by submitting twenty. Teammates join the owner's
-- project instead.
CREATE FUNCTION "projects_one_per_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM "event_attendees"
        WHERE "event_id" = NEW."event_id" AND "user_id" = NEW."owner_id"
        FOR UPDATE;
    IF EXISTS (SELECT 1 FROM "projects" WHERE "event_id" = NEW."event_id" AND "owner_id" = NEW."owner_id") THEN
        RAISE EXCEPTION 'an attendee owns at most one project in an event'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'projects_one_per_owner';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "projects_one_per_owner"
    BEFORE INSERT ON "projects"
    FOR EACH ROW WHEN (NEW."airtable_id" IS NULL)
    EXECUTE FUNCTION "projects_one_per_owner"();
