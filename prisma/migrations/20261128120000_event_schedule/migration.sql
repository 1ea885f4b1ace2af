-- Dates and schedules (README "Dates and schedules"): an event's start, end and time zone, and the
-- phase changes its owner schedules, carried out by the scheduler of whichever app process gets there
-- first (src/lib/server/schedule/).

-- AlterTable
ALTER TABLE "event_attendees" ADD COLUMN     "voting_reminder_sent_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "ends_at" TIMESTAMPTZ(3),
ADD COLUMN     "schedule_set_by_id" UUID,
ADD COLUMN     "starts_at" TIMESTAMPTZ(3),
ADD COLUMN     "time_zone" TEXT NOT NULL DEFAULT 'UTC',
ADD COLUMN     "voting_closes_at" TIMESTAMPTZ(3),
ADD COLUMN     "voting_opens_at" TIMESTAMPTZ(3);

-- Both dates or neither, and the end after the start; voting closes after it opens. The app says so in
-- words first (src/lib/schemas/schedule.ts); these hold for operators' own SQL too.
ALTER TABLE "events" ADD CONSTRAINT "events_dates_check"
  CHECK ((starts_at IS NULL) = (ends_at IS NULL) AND (ends_at IS NULL OR ends_at > starts_at));
ALTER TABLE "events" ADD CONSTRAINT "events_voting_schedule_check"
  CHECK (voting_opens_at IS NULL OR voting_closes_at IS NULL OR voting_closes_at > voting_opens_at);
-- An IANA name is checked by the app with Intl; here only its shape (no spaces, not empty).
ALTER TABLE "events" ADD CONSTRAINT "events_time_zone_check" CHECK (time_zone ~ '^[A-Za-z0-9_+/-]{1,64}$');

-- CreateIndex
CREATE INDEX "events_voting_opens_at_idx" ON "events"("voting_opens_at");

-- CreateIndex
CREATE INDEX "events_voting_closes_at_idx" ON "events"("voting_closes_at");

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_schedule_set_by_id_fkey" FOREIGN KEY ("schedule_set_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
