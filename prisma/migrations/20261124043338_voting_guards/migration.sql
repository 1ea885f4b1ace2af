-- AlterTable
ALTER TABLE "events" ADD COLUMN     "results_revealed_at" TIMESTAMPTZ(3);

-- The ballot rules, held by the database itself for every vote cast in Podium (airtable_id IS NULL):
-- the voter attends the event, does not vote for their own or their team's project, and stays within
-- the event's vote limit (1 below 4 projects, 2 up to 19, 3 from 20). The app checks all of this first
-- to explain a refusal; this is the last line, also against a script that bypasses the app.
--
-- It locks the voter's attendance row, so two transactions adding votes for one voter run one after the
-- other, and the second one counts the first one's votes: concurrent ballots can never exceed the limit.
-- An AFTER trigger, so that `INSERT ... ON CONFLICT DO NOTHING` of a pick already recorded is not counted.
--
-- Imported votes (airtable_id set) are exempt: the old system had self-votes and more votes per voter,
-- and the Airtable backfill must import them as they were.
CREATE FUNCTION "votes_enforce_ballot_rules"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    project_count integer;
    vote_limit integer;
    cast_votes integer;
BEGIN
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

CREATE TRIGGER "votes_enforce_ballot_rules"
    AFTER INSERT OR UPDATE OF "voter_id", "project_id", "event_id" ON "votes"
    FOR EACH ROW WHEN (NEW."airtable_id" IS NULL)
    EXECUTE FUNCTION "votes_enforce_ballot_rules"();
