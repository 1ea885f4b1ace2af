-- The app-wide admin area (/admin): who is a platform admin, soft-deleted events and people, and the
-- log of what platform admins did.

-- A platform admin since this time; null for everyone else. Granted only by the operator command
-- (npm run admin) or by another platform admin.
ALTER TABLE "users" ADD COLUMN "platform_admin_since" TIMESTAMPTZ(3);
-- A deleted person keeps a row (their votes still count in published results) with every private
-- field erased; this says when.
ALTER TABLE "users" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);
-- A soft-deleted event is gone for everyone but platform admins, who can restore it intact.
ALTER TABLE "events" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

CREATE INDEX "users_platform_admin_since_idx" ON "users" ("platform_admin_since") WHERE "platform_admin_since" IS NOT NULL;

CREATE TABLE "platform_audit_log" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor_id" UUID,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "reason" TEXT,
    "target_user_id" UUID,
    "target_event_id" UUID,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_audit_log_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "platform_audit_log_created_at_idx" ON "platform_audit_log" ("created_at" DESC);
CREATE INDEX "platform_audit_log_actor_id_idx" ON "platform_audit_log" ("actor_id");
CREATE INDEX "platform_audit_log_target_user_id_idx" ON "platform_audit_log" ("target_user_id");
CREATE INDEX "platform_audit_log_target_event_id_idx" ON "platform_audit_log" ("target_event_id");
CREATE INDEX "event_audit_log_created_at_idx" ON "event_audit_log" ("created_at" DESC);

ALTER TABLE "platform_audit_log" ADD CONSTRAINT "platform_audit_log_actor_id_fkey"
    FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "platform_audit_log" ADD CONSTRAINT "platform_audit_log_target_user_id_fkey"
    FOREIGN KEY ("target_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "platform_audit_log" ADD CONSTRAINT "platform_audit_log_target_event_id_fkey"
    FOREIGN KEY ("target_event_id") REFERENCES "events"("id") ON DELETE SET NULL ON UPDATE CASCADE;
