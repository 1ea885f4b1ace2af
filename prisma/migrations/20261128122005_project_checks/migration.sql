-- Project link checks (issue 16, item 2). The check ids are those of src/lib/server/validators/registry.ts:
-- no CHECK constraint, so that a new validator needs no migration.
-- CreateEnum
CREATE TYPE "project_check_status" AS ENUM ('pending', 'valid', 'warning', 'invalid');

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "demo_check" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN     "repo_check" TEXT NOT NULL DEFAULT 'none';

-- CreateTable
CREATE TABLE "project_checks" (
    "project_id" UUID NOT NULL,
    "status" "project_check_status" NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "checked_at" TIMESTAMPTZ(3),

    CONSTRAINT "project_checks_pkey" PRIMARY KEY ("project_id")
);

-- CreateIndex
CREATE INDEX "project_checks_status_idx" ON "project_checks"("status");

-- AddForeignKey
ALTER TABLE "project_checks" ADD CONSTRAINT "project_checks_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

