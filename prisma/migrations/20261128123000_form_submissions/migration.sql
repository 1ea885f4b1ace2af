-- Issue 13 item 2: a double tap on a create or join form makes one row. Each rendered form carries a
-- random one-time token; the first post of it records a row here (the primary key holds it across app
-- instances) and, once handled, where it led. A second post of the same form waits for that and is sent
-- to the same place. The key is a sha256 of (token, person, action, values sent): nothing readable is
-- kept, so the table needs no link to users. Rows older than a day are deleted by the app.

-- CreateTable
CREATE TABLE "form_submissions" (
    "key" TEXT NOT NULL,
    "location" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "form_submissions_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "form_submissions_created_at_idx" ON "form_submissions"("created_at");

