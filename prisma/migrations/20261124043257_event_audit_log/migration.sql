-- CreateTable
CREATE TABLE "event_audit_log" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "event_id" UUID,
    "event_name" TEXT NOT NULL,
    "actor_id" UUID,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "event_audit_log_event_id_created_at_idx" ON "event_audit_log"("event_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "event_audit_log_actor_id_idx" ON "event_audit_log"("actor_id");

-- AddForeignKey
ALTER TABLE "event_audit_log" ADD CONSTRAINT "event_audit_log_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_audit_log" ADD CONSTRAINT "event_audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
