-- CreateEnum
CREATE TYPE "event_phase" AS ENUM ('draft', 'submission', 'voting', 'closed');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "first_name" TEXT NOT NULL DEFAULT '',
    "last_name" TEXT,
    "display_name" TEXT NOT NULL DEFAULT '',
    "phone" TEXT,
    "street_1" TEXT,
    "street_2" TEXT,
    "city" TEXT,
    "state" TEXT,
    "zip_code" TEXT,
    "country" VARCHAR(2),
    "dob" DATE,
    "profile_completed_at" TIMESTAMPTZ(3),
    "airtable_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "join_code" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "phase" "event_phase" NOT NULL DEFAULT 'submission',
    "demo_links_optional" BOOLEAN NOT NULL DEFAULT false,
    "ysws_checks_enabled" BOOLEAN NOT NULL DEFAULT false,
    "feature_flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "airtable_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_attendees" (
    "event_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_attendees_pkey" PRIMARY KEY ("event_id","user_id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "repo_url" TEXT,
    "demo_url" TEXT,
    "image_url" TEXT,
    "hours_spent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "join_code" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "legacy_points" INTEGER NOT NULL DEFAULT 0,
    "cached_auto_quality" JSONB,
    "airtable_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_collaborators" (
    "project_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_collaborators_pkey" PRIMARY KEY ("project_id","user_id")
);

-- CreateTable
CREATE TABLE "votes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "voter_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "airtable_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "votes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "referrals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "content" TEXT NOT NULL,
    "user_id" UUID,
    "event_id" UUID NOT NULL,
    "airtable_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "referrals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_links" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "redirect_to" TEXT NOT NULL DEFAULT '/',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "users_airtable_id_key" ON "users"("airtable_id");

-- CreateIndex
CREATE UNIQUE INDEX "events_slug_key" ON "events"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "events_join_code_key" ON "events"("join_code");

-- CreateIndex
CREATE UNIQUE INDEX "events_airtable_id_key" ON "events"("airtable_id");

-- CreateIndex
CREATE INDEX "events_owner_id_idx" ON "events"("owner_id");

-- CreateIndex
CREATE INDEX "event_attendees_user_id_idx" ON "event_attendees"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "projects_join_code_key" ON "projects"("join_code");

-- CreateIndex
CREATE UNIQUE INDEX "projects_airtable_id_key" ON "projects"("airtable_id");

-- CreateIndex
CREATE INDEX "projects_event_id_idx" ON "projects"("event_id");

-- CreateIndex
CREATE INDEX "projects_owner_id_idx" ON "projects"("owner_id");

-- CreateIndex
CREATE UNIQUE INDEX "projects_id_event_id_key" ON "projects"("id", "event_id");

-- CreateIndex
CREATE INDEX "project_collaborators_user_id_idx" ON "project_collaborators"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "votes_airtable_id_key" ON "votes"("airtable_id");

-- CreateIndex
CREATE INDEX "votes_event_id_voter_id_idx" ON "votes"("event_id", "voter_id");

-- CreateIndex
CREATE INDEX "votes_project_id_idx" ON "votes"("project_id");

-- CreateIndex
CREATE UNIQUE INDEX "votes_voter_id_project_id_key" ON "votes"("voter_id", "project_id");

-- CreateIndex
CREATE UNIQUE INDEX "referrals_airtable_id_key" ON "referrals"("airtable_id");

-- CreateIndex
CREATE INDEX "referrals_event_id_idx" ON "referrals"("event_id");

-- CreateIndex
CREATE INDEX "referrals_user_id_idx" ON "referrals"("user_id");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "sign_in_links_token_hash_key" ON "sign_in_links"("token_hash");

-- CreateIndex
CREATE INDEX "sign_in_links_email_idx" ON "sign_in_links"("email");

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_attendees" ADD CONSTRAINT "event_attendees_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_attendees" ADD CONSTRAINT "event_attendees_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_collaborators" ADD CONSTRAINT "project_collaborators_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_collaborators" ADD CONSTRAINT "project_collaborators_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "votes" ADD CONSTRAINT "votes_voter_id_fkey" FOREIGN KEY ("voter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "votes" ADD CONSTRAINT "votes_project_id_event_id_fkey" FOREIGN KEY ("project_id", "event_id") REFERENCES "projects"("id", "event_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "votes" ADD CONSTRAINT "votes_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rules Prisma's schema language cannot express, held by the database itself (written by hand).

ALTER TABLE "users"
    ADD CONSTRAINT "users_email_normalised" CHECK ("email" = lower(btrim("email")) AND "email" <> ''),
    ADD CONSTRAINT "users_country_iso" CHECK ("country" ~ '^[A-Z]{2}$'),
    ADD CONSTRAINT "users_first_name_required" CHECK ("profile_completed_at" IS NULL OR btrim("first_name") <> '');

ALTER TABLE "events"
    ALTER COLUMN "feature_flags" SET NOT NULL,
    ADD CONSTRAINT "events_name_present" CHECK (btrim("name") <> ''),
    ADD CONSTRAINT "events_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9_-]*$'),
    ADD CONSTRAINT "events_join_code_format" CHECK ("join_code" ~ '^[A-Z0-9_-]{4,12}$');

ALTER TABLE "projects"
    ADD CONSTRAINT "projects_name_present" CHECK (btrim("name") <> ''),
    ADD CONSTRAINT "projects_hours_spent_non_negative" CHECK ("hours_spent" >= 0),
    ADD CONSTRAINT "projects_legacy_points_non_negative" CHECK ("legacy_points" >= 0),
    ADD CONSTRAINT "projects_join_code_format" CHECK ("join_code" ~ '^[A-Z0-9_-]{4,12}$');

ALTER TABLE "referrals"
    ADD CONSTRAINT "referrals_content_present" CHECK (btrim("content") <> '');

-- A project belongs to exactly one event for its whole life.
CREATE FUNCTION "projects_keep_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."event_id" <> OLD."event_id" THEN
        RAISE EXCEPTION 'a project cannot move to another event' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "projects_keep_event" BEFORE UPDATE OF "event_id" ON "projects"
    FOR EACH ROW EXECUTE FUNCTION "projects_keep_event"();

-- The owner of a project is never also listed as its collaborator.
CREATE FUNCTION "project_collaborators_not_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM "projects" WHERE "id" = NEW."project_id" AND "owner_id" = NEW."user_id") THEN
        RAISE EXCEPTION 'the owner of a project cannot be its collaborator' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "project_collaborators_not_owner" BEFORE INSERT OR UPDATE ON "project_collaborators"
    FOR EACH ROW EXECUTE FUNCTION "project_collaborators_not_owner"();
