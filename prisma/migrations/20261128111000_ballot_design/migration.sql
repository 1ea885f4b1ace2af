-- Issue 15: balanced ballot orders and shortlists for large events.
-- ballot_designs: per event, the owner's shortlist setting and the counter of design rows handed out
-- (one row per event, created on first use; its row lock serialises the choice of shortlists).
-- ballot_assignments: the design row each voter got when first opening the ballot, and the size of the
-- shortlist they were shown, if any. Both follow the attendance (merges move it, removal drops it).
-- CreateTable
CREATE TABLE "ballot_designs" (
    "event_id" UUID NOT NULL,
    "shortlist_threshold" INTEGER,
    "shortlist_size" INTEGER NOT NULL DEFAULT 12,
    "rows_assigned" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ballot_designs_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "ballot_assignments" (
    "event_id" UUID NOT NULL,
    "voter_id" UUID NOT NULL,
    "design_row" INTEGER NOT NULL,
    "shortlist_size" INTEGER,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ballot_assignments_pkey" PRIMARY KEY ("event_id","voter_id")
);

-- AddForeignKey
ALTER TABLE "ballot_designs" ADD CONSTRAINT "ballot_designs_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ballot_assignments" ADD CONSTRAINT "ballot_assignments_event_id_voter_id_fkey" FOREIGN KEY ("event_id", "voter_id") REFERENCES "event_attendees"("event_id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A shortlist holds 8 to 15 projects and must be shorter than the lists it replaces.
ALTER TABLE "ballot_designs" ADD CONSTRAINT "ballot_designs_shortlist_size_check" CHECK ("shortlist_size" BETWEEN 8 AND 15);
ALTER TABLE "ballot_designs" ADD CONSTRAINT "ballot_designs_shortlist_threshold_check" CHECK ("shortlist_threshold" IS NULL OR "shortlist_threshold" BETWEEN 16 AND 100000);
ALTER TABLE "ballot_designs" ADD CONSTRAINT "ballot_designs_rows_assigned_check" CHECK ("rows_assigned" >= 0);
ALTER TABLE "ballot_assignments" ADD CONSTRAINT "ballot_assignments_design_row_check" CHECK ("design_row" >= 0);
ALTER TABLE "ballot_assignments" ADD CONSTRAINT "ballot_assignments_shortlist_size_check" CHECK ("shortlist_size" IS NULL OR "shortlist_size" BETWEEN 8 AND 15);

-- A voter's first shortlist: the p_size projects of p_row (their design row, only projects they may be
-- shown, in order) seen least so far, ties in row order, recorded as shown at positions 1..p_size. The
-- event's ballot_designs row is locked first, so shortlists of one event are chosen one at a time; each
-- statement below reads with a fresh snapshot (READ COMMITTED in a volatile function), so it sees the
-- impressions of every shortlist chosen before it. Called once per voter, in one round trip, so the lock is
-- held only while the database works. If the voter already has impressions here (a second tab that lost
-- the race), those are returned unchanged.
CREATE FUNCTION "choose_shortlist"(p_event UUID, p_voter UUID, p_row UUID[], p_size INTEGER)
RETURNS TABLE ("project_id" UUID, "position" INTEGER)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM "ballot_designs" d WHERE d."event_id" = p_event FOR UPDATE;
    IF EXISTS (SELECT 1 FROM "ballot_impressions" i WHERE i."event_id" = p_event AND i."voter_id" = p_voter) THEN
        RETURN QUERY SELECT i."project_id", i."position" FROM "ballot_impressions" i
            WHERE i."event_id" = p_event AND i."voter_id" = p_voter ORDER BY i."position";
        RETURN;
    END IF;
    RETURN QUERY
    WITH "candidates" AS (
        SELECT r."id", r."ord",
            (SELECT count(*) FROM "ballot_impressions" i
                WHERE i."event_id" = p_event AND i."project_id" = r."id") AS "seen"
        FROM unnest(p_row) WITH ORDINALITY AS r("id", "ord")
    ), "chosen" AS (
        SELECT c."id", c."ord" FROM "candidates" c ORDER BY c."seen", c."ord" LIMIT p_size
    ), "inserted" AS (
        INSERT INTO "ballot_impressions" ("event_id", "voter_id", "project_id", "position")
        SELECT p_event, p_voter, c."id", (row_number() OVER (ORDER BY c."ord"))::INTEGER FROM "chosen" c
        ON CONFLICT DO NOTHING
        RETURNING "ballot_impressions"."project_id", "ballot_impressions"."position"
    )
    SELECT x."project_id", x."position" FROM "inserted" x ORDER BY x."position";
END;
$$;
