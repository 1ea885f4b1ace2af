-- Issue 15: which projects each voter's ballot showed, and at which position (1 = top of the list).
-- The record behind balanced ballot orders, coverage of large events and "seen by N voters".
-- CreateTable
CREATE TABLE "ballot_impressions" (
    "event_id" UUID NOT NULL,
    "voter_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "shown_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ballot_impressions_pkey" PRIMARY KEY ("event_id","voter_id","project_id")
);

-- CreateIndex
CREATE INDEX "ballot_impressions_event_id_project_id_idx" ON "ballot_impressions"("event_id", "project_id");

-- CreateIndex
CREATE INDEX "ballot_impressions_project_id_idx" ON "ballot_impressions"("project_id");

-- AddForeignKey
ALTER TABLE "ballot_impressions" ADD CONSTRAINT "ballot_impressions_event_id_voter_id_fkey" FOREIGN KEY ("event_id", "voter_id") REFERENCES "event_attendees"("event_id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ballot_impressions" ADD CONSTRAINT "ballot_impressions_project_id_event_id_fkey" FOREIGN KEY ("project_id", "event_id") REFERENCES "projects"("id", "event_id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Positions count from 1.
ALTER TABLE "ballot_impressions" ADD CONSTRAINT "ballot_impressions_position_check" CHECK ("position" >= 1);
