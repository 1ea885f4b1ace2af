-- Issue 16 items 1, 3 and 5: series and the public directory, the per-event PII gate, maintenance mode.
--
-- events.place: where the event happens, as its owner wrote it (shown in the directory).
-- events.listed_in_directory: the owner lists the event in /directory (while it is open to join).
-- events.pii_required: the PII gate; projects are submitted or joined only by people whose address and
--   birth date are on file (src/lib/server/pii-gate.ts).
-- events.series_id / series: a programme of events set up by platform admins; an active series lists its
--   open events in the directory. The flagship is one of the series' own events (checked by the code that
--   sets it, under a lock of the series row); deleting the event clears it.
-- maintenance_mode: one row (id 1) that every app instance reads (cached for a few seconds) to refuse
--   writes during a maintenance window (src/lib/server/maintenance/).

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "listed_in_directory" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pii_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "place" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "series_id" UUID;

-- CreateTable
CREATE TABLE "series" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "flagship_event_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_mode" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "message" TEXT NOT NULL DEFAULT '',
    "changed_by_id" UUID,
    "changed_by_name" TEXT NOT NULL DEFAULT '',
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintenance_mode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "series_name_key" ON "series"("name");

-- CreateIndex
CREATE UNIQUE INDEX "series_flagship_event_id_key" ON "series"("flagship_event_id");

-- CreateIndex
CREATE INDEX "events_series_id_idx" ON "events"("series_id");

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_series_id_fkey" FOREIGN KEY ("series_id") REFERENCES "series"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "series" ADD CONSTRAINT "series_flagship_event_id_fkey" FOREIGN KEY ("flagship_event_id") REFERENCES "events"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Rules Prisma cannot express.
ALTER TABLE "events" ADD CONSTRAINT "events_place_length" CHECK (char_length("place") <= 200);
ALTER TABLE "series" ADD CONSTRAINT "series_name_not_blank" CHECK (btrim("name") <> '' AND char_length("name") <= 100);
-- One row only; switched on, it always carries the sentence people are shown.
ALTER TABLE "maintenance_mode" ADD CONSTRAINT "maintenance_mode_one_row" CHECK ("id" = 1);
ALTER TABLE "maintenance_mode" ADD CONSTRAINT "maintenance_mode_message" CHECK (
    char_length("message") <= 500 AND (NOT "active" OR btrim("message") <> '')
);
