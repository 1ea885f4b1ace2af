-- Issue 15: balanced ballot orders and shortlists for large events.
-- ballot_designs: per event, the owner's shortlist setting and the counter of design rows handed out
-- (one row per event, created on first use; its row lock serialises first openings of the ballot).
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
